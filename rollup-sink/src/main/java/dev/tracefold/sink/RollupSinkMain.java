package dev.tracefold.sink;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.tracefold.service.HealthCheck;
import dev.tracefold.service.KafkaLagMonitor;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.MeterRegistries;
import dev.tracefold.service.OpsServer;
import dev.tracefold.service.TopicProvisioner;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.TraceStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the rollup sink as its own process: reads the configuration ({@code ConfigFactory.load()}:
 * {@code tracefold.kafka.*}, {@code tracefold.store.*}, {@code tracefold.sink.*}), creates the
 * topics if missing, opens (and migrates) the store, starts the sink and serves {@code /metrics}
 * and {@code /health} on {@code tracefold.sink.ops-port}. A shutdown hook stops everything in
 * reverse order. Exits with status 1 if start-up fails.
 */
public final class RollupSinkMain {
  private static final Logger log = LoggerFactory.getLogger(RollupSinkMain.class);

  private RollupSinkMain() {}

  public static void main(String[] args) {
    AtomicReference<Running> running = new AtomicReference<>();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  Running started = running.getAndSet(null);
                  if (started != null) {
                    started.close();
                  }
                },
                "tracefold-sink-shutdown"));
    try {
      running.set(start(ConfigFactory.load()));
    } catch (RuntimeException e) {
      log.error("Rollup sink failed to start: {}", e.getMessage(), e);
      System.exit(1);
    }
  }

  /**
   * Starts everything {@link #main} starts, from a configuration.
   *
   * @throws RuntimeException if a part cannot start; the parts already started are closed again
   */
  static Running start(Config config) {
    KafkaSettings kafka = KafkaSettings.from(config);
    SinkSettings sinkSettings = SinkSettings.from(config);
    StoreSettings storeSettings = StoreSettings.from(config);
    TopicProvisioner.ensureTopics(kafka);
    PrometheusMeterRegistry registry = MeterRegistries.newPrometheusRegistry();
    TraceStore store = TraceStore.open(storeSettings, registry);
    RollupSink sink = null;
    KafkaLagMonitor lag = null;
    try {
      sink = RollupSink.start(sinkSettings, kafka, store, registry);
      lag =
          KafkaLagMonitor.start(
              kafka,
              List.of(sinkSettings.spansGroupId(), sinkSettings.tracesGroupId()),
              registry,
              KafkaLagMonitor.DEFAULT_INTERVAL);
      List<HealthCheck> checks = new ArrayList<>(sink.healthChecks());
      checks.add(lag.healthCheck());
      OpsServer ops = OpsServer.start(sinkSettings.opsPort(), registry, checks);
      return new Running(ops, lag, sink, store);
    } catch (RuntimeException e) {
      if (lag != null) {
        lag.close();
      }
      if (sink != null) {
        sink.close();
      }
      store.close();
      throw e;
    }
  }

  /**
   * A started rollup sink process; {@link #close()} stops the ops server, lag monitor, sink and
   * store.
   */
  record Running(OpsServer ops, KafkaLagMonitor lag, RollupSink sink, TraceStore store)
      implements AutoCloseable {
    @Override
    public void close() {
      ops.close();
      lag.close();
      sink.close();
      store.close();
      log.info("Rollup sink process stopped");
    }
  }
}
