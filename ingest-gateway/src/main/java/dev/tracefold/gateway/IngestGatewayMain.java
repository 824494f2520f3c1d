package dev.tracefold.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.tracefold.service.KafkaLagMonitor;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.MeterRegistries;
import dev.tracefold.service.TopicProvisioner;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.TraceStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the ingest gateway on its own: loads the configuration ({@code tracefold.gateway.*}, {@code
 * tracefold.kafka.*}, {@code tracefold.store.*}, each overridable by environment variables),
 * creates the topics if missing, opens the trace store (for its API keys), starts the gateway, and
 * closes everything on JVM shutdown. The read API and its jobs (retention, the score-pending gauge)
 * run in trace-api's process.
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
              settings, tenancy, kafka, store, registry, List.of(kafkaMonitor.healthCheck()));
    } catch (RuntimeException e) {
      kafkaMonitor.close();
      store.close();
      throw e;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  gateway.close();
                  kafkaMonitor.close();
                  store.close();
                },
                "tracefold-gateway-shutdown"));
  }
}
