package dev.tracefold.gateway;

import dev.tracefold.embedded.EmbeddedKafkaBroker;
import dev.tracefold.embedded.EmbeddedPostgresServer;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.MeterRegistries;
import dev.tracefold.service.TopicProvisioner;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.TraceStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;

/**
 * What a gateway integration test runs against: a real embedded KRaft broker with the Tracefold
 * topics, a real embedded PostgreSQL with its {@link TraceStore}, and a {@link SpanTopicReader}.
 * Closes everything in reverse order. Not thread-safe; tests use it from one thread.
 */
public final class GatewayTestInfra implements AutoCloseable {
  private final EmbeddedKafkaBroker broker;
  private final EmbeddedPostgresServer postgres;
  private final KafkaSettings kafka;
  private final TraceStore store;
  private final SpanTopicReader reader;

  private GatewayTestInfra(Path dataDir) {
    broker = EmbeddedKafkaBroker.builder().dataDir(dataDir.resolve("kafka")).build();
    broker.start();
    kafka = new KafkaSettings(broker.bootstrapServers(), 3, (short) 1, 8 * 1024 * 1024);
    TopicProvisioner.ensureTopics(kafka);
    postgres = EmbeddedPostgresServer.builder().dataDir(dataDir.resolve("pg")).build();
    postgres.start();
    store =
        TraceStore.open(
            new StoreSettings(postgres.jdbcUrl(), postgres.username(), postgres.password(), 2));
    reader = new SpanTopicReader(broker.bootstrapServers());
  }

  /** Starts the broker and PostgreSQL under {@code dataDir}. */
  public static GatewayTestInfra start(Path dataDir) {
    return new GatewayTestInfra(dataDir);
  }

  /** Starts a gateway on this broker and store with its own registry. */
  public IngestGateway startGateway(GatewaySettings settings) {
    return startGateway(settings, MeterRegistries.newPrometheusRegistry());
  }

  /** Starts a gateway on this broker and store. */
  public IngestGateway startGateway(GatewaySettings settings, PrometheusMeterRegistry registry) {
    return IngestGateway.start(settings, kafka, store, registry);
  }

  public KafkaSettings kafka() {
    return kafka;
  }

  public TraceStore store() {
    return store;
  }

  /** Reads {@code tracefold.spans} from the beginning. */
  public SpanTopicReader reader() {
    return reader;
  }

  @Override
  public void close() {
    reader.close();
    store.close();
    postgres.close();
    broker.close();
  }
}
