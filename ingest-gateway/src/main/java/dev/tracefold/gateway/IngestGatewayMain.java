package dev.tracefold.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.tracefold.gateway.api.ApiSettings;
import dev.tracefold.gateway.api.ScorePendingMonitor;
import dev.tracefold.service.KafkaLagMonitor;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.MeterRegistries;
import dev.tracefold.service.TopicProvisioner;
import dev.tracefold.store.RetentionJob;
import dev.tracefold.store.RetentionSettings;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.TraceStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the ingest gateway on its own: loads the configuration ({@code tracefold.gateway.*}, {@code
 * tracefold.kafka.*}, {@code tracefold.store.*}, each overridable by environment variables),
 * creates the topics if missing, opens the trace store, starts the gateway, the retention job and
 * the score-pending gauge ({@link ScorePendingMonitor}), and closes everything on JVM shutdown.
 */
public final class IngestGatewayMain {
  private static final Logger log = LoggerFactory.getLogger(IngestGatewayMain.class);

  private IngestGatewayMain() {}

  /** Entry point; takes no arguments. */
  public static void main(String[] args) {
    Config config = ConfigFactory.load();
    GatewaySettings settings = GatewaySettings.from(config);
    TenancySettings tenancy = TenancySettings.from(config);
    KafkaSettings kafka = KafkaSettings.from(config);
    StoreSettings storeSettings = StoreSettings.from(config);
    log.info(
        "Starting ingest gateway with {}, {}, Kafka {}, store {}",
        settings,
        tenancy,
        kafka,
        storeSettings);
    TopicProvisioner.ensureTopics(kafka);
    PrometheusMeterRegistry registry = MeterRegistries.newPrometheusRegistry();
    TraceStore store = TraceStore.open(storeSettings, registry);
    // no consumer group: only the kafka-cluster health check
    KafkaLagMonitor kafkaMonitor =
        KafkaLagMonitor.start(kafka, List.of(), registry, KafkaLagMonitor.DEFAULT_INTERVAL);
    IngestGateway gateway;
    try {
      gateway =
          IngestGateway.start(
              settings,
              tenancy,
              kafka,
              store,
              registry,
              List.of(kafkaMonitor.healthCheck()));
    } catch (RuntimeException e) {
      kafkaMonitor.close();
      store.close();
      throw e;
    }
    // the read API's owner deletes expired traces (tracefold.store.retention-*) and counts the
    // triggers waiting for a score (tracefold.api.score-pending-age)
    RetentionJob retention = RetentionJob.start(store, RetentionSettings.from(config));
    ScorePendingMonitor scorePending =
        ScorePendingMonitor.start(store, registry, ApiSettings.from(config));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  scorePending.close();
                  retention.close();
                  gateway.close();
                  kafkaMonitor.close();
                  store.close();
                },
                "tracefold-gateway-shutdown"));
  }
}
