package dev.tracefold.completion;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.tracefold.service.HealthCheck;
import dev.tracefold.service.KafkaLagMonitor;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.MeterRegistries;
import dev.tracefold.service.OpsServer;
import dev.tracefold.service.TopicProvisioner;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the completion stream on its own, with /metrics and /health on {@code
 * tracefold.completion.ops-port}.
 */
public final class CompletionStreamMain {
  private CompletionStreamMain() {}

  public static void main(String[] args) throws InterruptedException {
    Config config = ConfigFactory.load();
    KafkaSettings kafka = KafkaSettings.from(config);
    CompletionSettings settings = CompletionSettings.from(config);
    TopicProvisioner.ensureTopics(kafka);
    PrometheusMeterRegistry registry = MeterRegistries.newPrometheusRegistry();
    CompletionStream stream =
        CompletionStream.start(settings, kafka, registry, Duration.ofMinutes(2));
    // the stream's consumer group is its application id
    KafkaLagMonitor lag =
        KafkaLagMonitor.start(
            kafka, List.of(settings.applicationId()), registry, KafkaLagMonitor.DEFAULT_INTERVAL);
    List<HealthCheck> checks = new ArrayList<>(stream.healthChecks());
    checks.add(lag.healthCheck());
    OpsServer ops = OpsServer.start(settings.opsPort(), registry, checks);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  ops.close();
                  lag.close();
                  stream.close();
                  stopped.countDown();
                },
                "completion-stream-shutdown"));
    stopped.await();
  }
}
