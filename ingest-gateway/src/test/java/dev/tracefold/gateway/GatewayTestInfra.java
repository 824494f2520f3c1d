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
import java.util.ArrayList;
import java.util.List;

/**
 * What a gateway integration test runs against: a real embedded KRaft broker with the Tracefold
 * topics, a real embedded PostgreSQL with its {@link TraceStore}, and a {@link SpanTopicReader}.
 * Closes everything in reverse order, the gateways it started first. Not thread-safe; tests use it
 * from one thread.
 */
public final class GatewayTestInfra implements AutoCloseable {
  private final EmbeddedKafkaBroker broker;
  private final EmbeddedPostgresServer postgres;
  private final KafkaSettings kafka;
  private final TraceStore store;
  private final SpanTopicReader reader;
  private final List<IngestGateway> gateways = new ArrayList<>();
  private final List<EmbeddedKafkaBroker> lonelyBrokers = new ArrayList<>();

  private GatewayTestInfra(
      EmbeddedKafkaBroker broker,
      EmbeddedPostgresServer postgres,
      KafkaSettings kafka,
      TraceStore store,
      SpanTopicReader reader) {
    this.broker = broker;
    this.postgres = postgres;
    this.kafka = kafka;
    this.store = store;
    this.reader = reader;
  }

  /** Starts the broker and PostgreSQL under {@code dataDir}; on failure, stops what started. */
  public static GatewayTestInfra start(Path dataDir) {
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder().dataDir(dataDir.resolve("kafka")).build();
    EmbeddedPostgresServer postgres =
        EmbeddedPostgresServer.builder().dataDir(dataDir.resolve("pg")).build();
    TraceStore store = null;
    try {
      broker.start();
      KafkaSettings kafka =
          new KafkaSettings(broker.bootstrapServers(), 3, (short) 1, 8 * 1024 * 1024);
      TopicProvisioner.ensureTopics(kafka);
      postgres.start();
      store =
          TraceStore.open(
              new StoreSettings(postgres.jdbcUrl(), postgres.username(), postgres.password(), 2));
      SpanTopicReader reader = new SpanTopicReader(broker.bootstrapServers());
      return new GatewayTestInfra(broker, postgres, kafka, store, reader);
    } catch (RuntimeException e) {
      if (store != null) {
        store.close();
      }
      postgres.close();
      broker.close();
      throw e;
    }
  }

  /** Starts a gateway on this broker and store with its own registry. */
  public IngestGateway startGateway(GatewaySettings settings) {
    return startGateway(settings, MeterRegistries.newPrometheusRegistry());
  }

  /** Starts a gateway on this broker and store; {@link #close()} closes it. */
  public IngestGateway startGateway(GatewaySettings settings, PrometheusMeterRegistry registry) {
    return startGateway(settings, TenancySettings.defaults(), registry);
  }

  /** Starts a gateway with these tenancy settings; {@link #close()} closes it. */
  public IngestGateway startGateway(
      GatewaySettings settings, TenancySettings tenancy, PrometheusMeterRegistry registry) {
    IngestGateway gateway =
        IngestGateway.start(settings, tenancy, kafka, store, registry, java.util.List.of());
    gateways.add(gateway);
    return gateway;
  }

  /**
   * Starts a gateway with a broker of its own (data under {@code dataDir}), which the test stops
   * ({@link IsolatedGateway#stopBroker()}) to make Kafka unavailable; it shares this store. {@link
   * #close()} closes the gateway and the broker.
   */
  public IsolatedGateway startIsolatedGateway(
      Path dataDir, GatewaySettings settings, PrometheusMeterRegistry registry) {
    EmbeddedKafkaBroker lonely = EmbeddedKafkaBroker.builder().dataDir(dataDir).build();
    lonelyBrokers.add(lonely);
    lonely.start();
    KafkaSettings lonelyKafka = kafka.withBootstrapServers(lonely.bootstrapServers());
    TopicProvisioner.ensureTopics(lonelyKafka);
    IngestGateway gateway = IngestGateway.start(settings, lonelyKafka, store, registry);
    gateways.add(gateway);
    return new IsolatedGateway(gateway, lonely);
  }

  /**
   * A gateway on a broker of its own.
   *
   * @param gateway the gateway
   * @param broker its broker
   */
  public record IsolatedGateway(IngestGateway gateway, EmbeddedKafkaBroker broker) {
    /** Stops the broker: the gateway's next produce times out. */
    public void stopBroker() {
      broker.close();
    }
  }

  /** A new API key of the project (created in the store). */
  public String apiKey(String projectId) {
    return store.apiKeys().create(projectId, dev.tracefold.store.key.ApiKeySource.CLI).key();
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

  /** Closes the gateways it started, the reader, the store, PostgreSQL and the broker. */
  @Override
  public void close() {
    gateways.forEach(IngestGateway::close);
    lonelyBrokers.forEach(EmbeddedKafkaBroker::close);
    reader.close();
    store.close();
    postgres.close();
    broker.close();
  }
}
