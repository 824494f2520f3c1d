package dev.tracefold.completion;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.MeterRegistries;
import dev.tracefold.service.OpsServer;
import dev.tracefold.service.TopicProvisioner;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** Runs the completion stream on its own, with /metrics and /health on {@code tracefold.completion.ops-port}. */
public final class CompletionStreamMain {
  private CompletionStreamMain() {}

  public static void main(String[] args) throws InterruptedException {
    Config config = ConfigFactory.load();
    KafkaSettings kafka = KafkaSettings.from(config);
    CompletionSettings settings = CompletionSettings.from(config);
    TopicProvisioner.ensureTopics(kafka);
    PrometheusMeterRegistry registry = MeterRegistries.newPrometheusRegistry();
    CompletionStream stream = CompletionStream.start(settings, kafka, registry, Duration.ofMinutes(2));
    OpsServer ops = OpsServer.start(settings.opsPort(), registry, stream.healthChecks());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      ops.close();
      stream.close();
      stopped.countDown();
    }, "completion-stream-shutdown"));
    stopped.await();
  }
}
