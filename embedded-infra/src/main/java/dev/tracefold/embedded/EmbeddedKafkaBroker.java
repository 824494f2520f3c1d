package dev.tracefold.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.coordinator.group.GroupCoordinatorConfig;
import org.apache.kafka.coordinator.transaction.TransactionLogConfig;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.network.SocketServerConfigs;
import org.apache.kafka.raft.KRaftConfigs;
import org.apache.kafka.raft.MetadataLogConfig;
import org.apache.kafka.raft.QuorumConfig;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.server.config.ReplicationConfigs;
import org.apache.kafka.server.config.ServerConfigs;
import org.apache.kafka.server.config.ServerLogConfigs;
import org.apache.kafka.storage.internals.log.CleanerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka 4.x broker in KRaft mode (one process holding both the {@code broker}
 * and the {@code controller} role), running inside this JVM on {@code
 * kafka.server.KafkaRaftServer}.
 *
 * <p>Used by the standalone app (a fixed port such as 9092 and a data directory that survives
 * restarts) and by integration tests (port 0 and a temporary directory):
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker =
 *     EmbeddedKafkaBroker.builder().dataDir(tempDir).build()) {
 *   broker.start();
 *   String bootstrap = broker.bootstrapServers(); // "localhost:41234"
 * }
 * }</pre>
 *
 * <h2>Storage</h2>
 *
 * Log segments and the KRaft metadata log live in {@code <dataDir>/kraft-combined-logs}. The
 * directory is formatted (cluster id, bootstrap metadata at {@link
 * MetadataVersion#LATEST_PRODUCTION} with production feature levels, static single-voter quorum)
 * only when its {@code meta.properties} is absent, so starting again on the same directory keeps
 * topics, records, committed offsets and the cluster id. {@code <dataDir>/embedded-kafka.lock}
 * keeps a second broker (in this or another process) off the same directory.
 *
 * <h2>Network</h2>
 *
 * The client listener {@code PLAINTEXT} binds {@code localhost:port} and is advertised as such, so
 * the broker is reachable from this machine only. The controller listener ({@code CONTROLLER}) gets
 * a fresh free port on every start; since the quorum is static ({@code controller.quorum.voters}),
 * that port is not persisted and may change between restarts.
 *
 * <h2>Defaults</h2>
 *
 * Tuned for one node; each can be overridden with {@link Builder#brokerConfig(String, String)}:
 *
 * <ul>
 *   <li>{@code offsets.topic.replication.factor}, {@code transaction.state.log.replication.factor},
 *       {@code transaction.state.log.min.isr}, {@code
 *       share.coordinator.state.topic.replication.factor}, {@code
 *       share.coordinator.state.topic.min.isr}, {@code default.replication.factor}, {@code
 *       min.insync.replicas}: 1
 *   <li>{@code group.initial.rebalance.delay.ms}, {@code group.streams.initial.rebalance.delay.ms}:
 *       0
 *   <li>{@code unstable.api.versions.enable}, {@code unstable.feature.versions.enable}, {@code
 *       auto.create.topics.enable}: false
 *   <li>{@code num.partitions}: 1
 *   <li>{@code message.max.bytes}: {@value #DEFAULT_MESSAGE_MAX_BYTES} (16 MiB; producers must also
 *       raise {@code max.request.size} to send records that large)
 *   <li>{@code log.retention.hours}: 168 (7 days; {@code log.retention.ms} or {@code
 *       log.retention.minutes} take precedence when set), {@code log.segment.bytes}: 128 MiB
 *   <li>{@code log.cleaner.dedupe.buffer.size}: 16 MiB (Kafka's 128 MiB is allocated on the heap at
 *       startup)
 *   <li>{@code server.max.startup.time.ms}: the {@linkplain Builder#startupTimeout(Duration)
 *       startup timeout}
 * </ul>
 *
 * <h2>Lifecycle and threads</h2>
 *
 * An instance is single-use: {@link #start()} once, then {@link #close()}. To restart on the same
 * data, build a new instance (the {@link Builder} can build any number of them); pass the previous
 * {@link #port()} to keep the address. All methods are thread-safe; {@code start()} and {@code
 * close()} are serialized, so a {@code close()} from a shutdown hook during {@code start()} waits
 * for the start to finish or fail. Kafka's own threads are non-daemon: close the broker before the
 * JVM is expected to exit.
 *
 * <h2>Caveats</h2>
 *
 * <ul>
 *   <li>As in a stand-alone Kafka process, a fatal fault inside the controller or the metadata log
 *       (for example a corrupt metadata log, or the controller port being taken between choosing
 *       and binding it) makes Kafka call {@code Runtime.halt(1)}: the JVM stops without running
 *       shutdown hooks.
 *   <li>Kafka's Yammer metrics and JMX beans are JVM-global: two brokers in one JVM work, but share
 *       or overwrite some metrics.
 * </ul>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  /** The node id of the broker/controller. */
  public static final int NODE_ID = 1;

  /** Default {@code message.max.bytes}: 16 MiB. */
  public static final int DEFAULT_MESSAGE_MAX_BYTES = 16 * 1024 * 1024;

  /** Default {@linkplain Builder#startupTimeout(Duration) startup timeout}: 2 minutes. */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(2);

  /** Name of the sub-directory of the data directory that holds the logs and metadata. */
  public static final String LOG_DIR_NAME = "kraft-combined-logs";

  static final String LOCK_FILE_NAME = "embedded-kafka.lock";
  static final String BROKER_LISTENER = "PLAINTEXT";
  static final String CONTROLLER_LISTENER = "CONTROLLER";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  /** Keys that this class derives from the builder's options and that cannot be overridden. */
  private static final Set<String> MANAGED_KEYS =
      Set.of(
          KRaftConfigs.PROCESS_ROLES_CONFIG,
          KRaftConfigs.NODE_ID_CONFIG,
          "broker.id",
          KRaftConfigs.CONTROLLER_LISTENER_NAMES_CONFIG,
          QuorumConfig.QUORUM_VOTERS_CONFIG,
          QuorumConfig.QUORUM_BOOTSTRAP_SERVERS_CONFIG,
          SocketServerConfigs.LISTENERS_CONFIG,
          SocketServerConfigs.ADVERTISED_LISTENERS_CONFIG,
          SocketServerConfigs.LISTENER_SECURITY_PROTOCOL_MAP_CONFIG,
          ReplicationConfigs.INTER_BROKER_LISTENER_NAME_CONFIG,
          ReplicationConfigs.INTER_BROKER_SECURITY_PROTOCOL_CONFIG,
          ServerLogConfigs.LOG_DIRS_CONFIG,
          ServerLogConfigs.LOG_DIR_CONFIG,
          MetadataLogConfig.METADATA_LOG_DIR_CONFIG);

  private enum State {
    NEW,
    RUNNING,
    CLOSED
  }

  private final Path dataDir;
  private final Path logDir;
  private final int requestedPort;
  private final Duration startupTimeout;
  private final Map<String, String> brokerConfigOverrides;

  private final Object lifecycleLock = new Object();
  // Guarded by lifecycleLock; read without it only through the volatile fields below.
  private State state = State.NEW;
  private KafkaRaftServer server;
  private DataDirClaim claim;

  private volatile int port = -1;
  private volatile String clusterId;

  private EmbeddedKafkaBroker(Builder builder) {
    this.dataDir = builder.dataDir.toAbsolutePath().normalize();
    this.logDir = dataDir.resolve(LOG_DIR_NAME);
    this.requestedPort = builder.port;
    this.startupTimeout = builder.startupTimeout;
    this.brokerConfigOverrides =
        Collections.unmodifiableMap(new LinkedHashMap<>(builder.brokerConfig));
  }

  /** Returns a new builder. Not thread-safe; {@link Builder#build()} may be called repeatedly. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Formats the data directory if needed, starts the broker and controller, and waits until an
   * Admin client can describe the cluster (typically 2-4 s).
   *
   * @throws IllegalStateException if the broker was already started or closed, if the data
   *     directory is in use by another broker, if the fixed port is taken, or if the broker does
   *     not become ready within the startup timeout. Whatever was started has been shut down again
   *     and the instance is closed.
   */
  public void start() {
    synchronized (lifecycleLock) {
      if (state != State.NEW) {
        throw new IllegalStateException(
            "Embedded Kafka broker on "
                + dataDir
                + " was already "
                + (state == State.RUNNING ? "started" : "closed")
                + "; build a new instance to start again");
      }
      long startNanos = System.nanoTime();
      long deadlineNanos = startNanos + startupTimeout.toNanos();
      try {
        claim = DataDirClaim.claim(dataDir, "EmbeddedKafkaBroker");
        Files.createDirectories(logDir);
        claim.lockFile(dataDir.resolve(LOCK_FILE_NAME), "EmbeddedKafkaBroker");
        int brokerPort;
        if (requestedPort == 0) {
          brokerPort = LocalPorts.freePort();
        } else {
          LocalPorts.requireFree(requestedPort, "Embedded Kafka broker");
          brokerPort = requestedPort;
        }
        // Validate the configuration before formatting the data directory.
        new KafkaConfig(serverProperties(brokerPort, controllerPort(brokerPort)), false);
        clusterId = formatIfNeeded();
        // Pick the controller port as late as possible: see LocalPorts.freePort() on the race.
        KafkaConfig config =
            new KafkaConfig(serverProperties(brokerPort, controllerPort(brokerPort)), false);
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        port = brokerPort;
        awaitReady(deadlineNanos);
        state = State.RUNNING;
        log.info(
            "Embedded Kafka broker started on {} (cluster id {}, data {}) in {} ms",
            bootstrapServers(),
            clusterId,
            logDir,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
      } catch (Throwable e) {
        state = State.CLOSED;
        port = -1;
        shutDownQuietly();
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        if (e instanceof Error && !(e instanceof LinkageError)) {
          throw (Error) e;
        }
        throw new IllegalStateException(
            "Embedded Kafka broker failed to start on data dir "
                + dataDir
                + (requestedPort == 0 ? "" : " and port " + requestedPort)
                + ": "
                + (e.getMessage() == null ? e.toString() : e.getMessage()),
            e);
      }
    }
  }

  /**
   * The {@code bootstrap.servers} value for clients: {@code localhost:<port>}.
   *
   * @throws IllegalStateException if {@link #start()} has not succeeded (the value stays available
   *     after {@link #close()})
   */
  public String bootstrapServers() {
    return LocalPorts.HOST + ":" + port();
  }

  /**
   * The TCP port of the client listener: the configured one, or the one picked for port 0.
   *
   * @throws IllegalStateException if {@link #start()} has not succeeded (the value stays available
   *     after {@link #close()})
   */
  public int port() {
    int p = port;
    if (p < 0) {
      throw new IllegalStateException("Embedded Kafka broker has not been started");
    }
    return p;
  }

  /**
   * The cluster id stored in the data directory (generated when it was formatted).
   *
   * @throws IllegalStateException if {@link #start()} has not been called
   */
  public String clusterId() {
    String id = clusterId;
    if (id == null) {
      throw new IllegalStateException("Embedded Kafka broker has not been started");
    }
    return id;
  }

  /** The data directory given to the builder, as an absolute path. */
  public Path dataDir() {
    return dataDir;
  }

  /** The broker configuration overrides given to the builder (immutable, in insertion order). */
  public Map<String, String> brokerConfigOverrides() {
    return brokerConfigOverrides;
  }

  /**
   * Shuts the broker down (controlled shutdown, then the controller) and waits until all its
   * threads have stopped and its files are closed; the data directory is kept. Idempotent and
   * thread-safe: later calls, concurrent calls and calls on a never-started instance return without
   * doing anything once the first one has finished. Safe to call from a shutdown hook. Never
   * throws: failures while shutting down are logged.
   */
  @Override
  public void close() {
    synchronized (lifecycleLock) {
      if (state == State.CLOSED) {
        return;
      }
      boolean wasRunning = state == State.RUNNING;
      state = State.CLOSED;
      if (!wasRunning) {
        return;
      }
      long startNanos = System.nanoTime();
      shutDownQuietly();
      log.info(
          "Embedded Kafka broker on {} stopped in {} ms",
          bootstrapServers(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }
  }

  @Override
  public String toString() {
    int p = port;
    return "EmbeddedKafkaBroker{dataDir="
        + dataDir
        + ", port="
        + (p < 0 ? (requestedPort == 0 ? "any" : String.valueOf(requestedPort)) : p)
        + "}";
  }

  /**
   * Shuts down whatever has been started and releases the data directory. Caller holds the lock.
   */
  private void shutDownQuietly() {
    try {
      if (server != null) {
        server.shutdown();
        server.awaitShutdown();
      }
    } catch (RuntimeException e) {
      log.warn("Error while shutting down the embedded Kafka broker on {}", dataDir, e);
    } finally {
      server = null;
      if (claim != null) {
        claim.close();
        claim = null;
      }
    }
  }

  private static int controllerPort(int brokerPort) {
    int candidate = LocalPorts.freePort();
    while (candidate == brokerPort) {
      candidate = LocalPorts.freePort();
    }
    return candidate;
  }

  /**
   * Formats {@link #logDir} unless it holds a {@code meta.properties}.
   *
   * @return the cluster id
   */
  private String formatIfNeeded() throws Exception {
    Path metaProperties = logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME);
    if (Files.exists(metaProperties)) {
      String existing = readClusterId(metaProperties);
      log.info("Reusing formatted Kafka data in {} (cluster id {})", logDir, existing);
      return existing;
    }
    String newClusterId = Uuid.randomUuid().toString();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      new Formatter()
          .setPrintStream(printStream)
          .setNodeId(NODE_ID)
          .setClusterId(newClusterId)
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setUnstableFeatureVersionsEnabled(false)
          .setIgnoreFormatted(false)
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setMetadataLogDirectory(logDir.toString())
          .addDirectory(logDir.toString())
          .run();
    } finally {
      output
          .toString(StandardCharsets.UTF_8)
          .lines()
          .filter(line -> !line.isBlank())
          .forEach(line -> log.debug("Kafka storage formatter: {}", line));
    }
    log.info(
        "Formatted {} for Kafka (cluster id {}, metadata.version {})",
        logDir,
        newClusterId,
        MetadataVersion.LATEST_PRODUCTION);
    return newClusterId;
  }

  private static String readClusterId(Path metaProperties) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(metaProperties)) {
      properties.load(in);
    }
    String id = properties.getProperty("cluster.id");
    if (id == null) {
      throw new IllegalStateException(metaProperties + " has no cluster.id");
    }
    return id;
  }

  /** The full server configuration: defaults, then the user's overrides, then managed keys. */
  private Map<String, Object> serverProperties(int brokerPort, int controllerPort) {
    Map<String, Object> props = new HashMap<>(defaultBrokerConfig(startupTimeout));
    props.putAll(brokerConfigOverrides);

    String host = LocalPorts.HOST;
    props.put(KRaftConfigs.PROCESS_ROLES_CONFIG, "broker,controller");
    props.put(KRaftConfigs.NODE_ID_CONFIG, String.valueOf(NODE_ID));
    props.put(KRaftConfigs.CONTROLLER_LISTENER_NAMES_CONFIG, CONTROLLER_LISTENER);
    props.put(QuorumConfig.QUORUM_VOTERS_CONFIG, NODE_ID + "@" + host + ":" + controllerPort);
    props.put(
        SocketServerConfigs.LISTENERS_CONFIG,
        BROKER_LISTENER
            + "://"
            + host
            + ":"
            + brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + host
            + ":"
            + controllerPort);
    props.put(
        SocketServerConfigs.ADVERTISED_LISTENERS_CONFIG,
        BROKER_LISTENER + "://" + host + ":" + brokerPort);
    props.put(
        SocketServerConfigs.LISTENER_SECURITY_PROTOCOL_MAP_CONFIG,
        BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    props.put(ReplicationConfigs.INTER_BROKER_LISTENER_NAME_CONFIG, BROKER_LISTENER);
    props.put(ServerLogConfigs.LOG_DIRS_CONFIG, logDir.toString());
    props.put(MetadataLogConfig.METADATA_LOG_DIR_CONFIG, logDir.toString());
    return props;
  }

  /** The defaults described in the class comment. */
  static Map<String, String> defaultBrokerConfig(Duration startupTimeout) {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put(GroupCoordinatorConfig.OFFSETS_TOPIC_REPLICATION_FACTOR_CONFIG, "1");
    defaults.put(TransactionLogConfig.TRANSACTIONS_TOPIC_REPLICATION_FACTOR_CONFIG, "1");
    defaults.put(TransactionLogConfig.TRANSACTIONS_TOPIC_MIN_ISR_CONFIG, "1");
    // ShareCoordinatorConfig keys (kafka-share-coordinator is a runtime-only dependency).
    defaults.put("share.coordinator.state.topic.replication.factor", "1");
    defaults.put("share.coordinator.state.topic.min.isr", "1");
    defaults.put(ReplicationConfigs.DEFAULT_REPLICATION_FACTOR_CONFIG, "1");
    defaults.put(ServerLogConfigs.MIN_IN_SYNC_REPLICAS_CONFIG, "1");
    defaults.put(GroupCoordinatorConfig.GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG, "0");
    defaults.put(GroupCoordinatorConfig.STREAMS_GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG, "0");
    defaults.put(ServerConfigs.UNSTABLE_API_VERSIONS_ENABLE_CONFIG, "false");
    defaults.put(ServerConfigs.UNSTABLE_FEATURE_VERSIONS_ENABLE_CONFIG, "false");
    defaults.put(ServerLogConfigs.AUTO_CREATE_TOPICS_ENABLE_CONFIG, "false");
    defaults.put(ServerLogConfigs.NUM_PARTITIONS_CONFIG, "1");
    defaults.put(ServerConfigs.MESSAGE_MAX_BYTES_CONFIG, String.valueOf(DEFAULT_MESSAGE_MAX_BYTES));
    defaults.put(ServerLogConfigs.LOG_RETENTION_TIME_HOURS_CONFIG, "168");
    defaults.put(ServerLogConfigs.LOG_SEGMENT_BYTES_CONFIG, String.valueOf(128 * 1024 * 1024));
    defaults.put(
        CleanerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE_PROP, String.valueOf(16 * 1024 * 1024));
    defaults.put(
        KRaftConfigs.SERVER_MAX_STARTUP_TIME_MS_CONFIG, String.valueOf(startupTimeout.toMillis()));
    return defaults;
  }

  /** Waits until an Admin client sees this node in DescribeCluster. */
  private void awaitReady(long deadlineNanos) throws InterruptedException {
    Map<String, Object> adminProps = new HashMap<>();
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-readiness-check");
    Exception last = null;
    try (Admin admin = Admin.create(adminProps)) {
      while (true) {
        long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (remainingMs <= 0) {
          break;
        }
        int attemptMs = (int) Math.min(remainingMs, 10_000);
        try {
          Collection<Node> nodes =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(attemptMs))
                  .nodes()
                  .get(attemptMs, TimeUnit.MILLISECONDS);
          if (nodes.stream().anyMatch(node -> node.id() == NODE_ID)) {
            return;
          }
          last = new IllegalStateException("DescribeCluster returned no broker yet: " + nodes);
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        }
        Thread.sleep(Math.min(100, Math.max(1, remainingMs)));
      }
    }
    throw new IllegalStateException(
        "Kafka broker at "
            + bootstrapServers()
            + " was not ready (DescribeCluster) within "
            + startupTimeout.toMillis()
            + " ms",
        last);
  }

  /**
   * Builder for {@link EmbeddedKafkaBroker}. Not thread-safe. Each {@link #build()} returns an
   * independent, immutable configuration snapshot.
   */
  public static final class Builder {
    private Path dataDir;
    private int port;
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
    private final Map<String, String> brokerConfig = new LinkedHashMap<>();

    private Builder() {}

    /**
     * The directory holding all broker state (logs and KRaft metadata, in the {@value
     * EmbeddedKafkaBroker#LOG_DIR_NAME} sub-directory). Required; created if absent. Reusing a
     * directory restarts the same cluster with its topics and records.
     */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /**
     * The TCP port of the client listener on {@code localhost}. Default 0: pick a free port at
     * {@link EmbeddedKafkaBroker#start()} (there is a millisecond race in which another process
     * could take it; start then fails). A fixed port (e.g. 9092) must be free when starting.
     *
     * @throws IllegalArgumentException if not within 0..65535
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be within 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * How long {@link EmbeddedKafkaBroker#start()} may take before it gives up. Also used as
     * Kafka's {@code server.max.startup.time.ms} unless overridden. Default {@link
     * EmbeddedKafkaBroker#DEFAULT_STARTUP_TIMEOUT 2 minutes}; log recovery after an unclean stop of
     * a large data directory counts against it.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder startupTimeout(Duration startupTimeout) {
      Objects.requireNonNull(startupTimeout, "startupTimeout");
      if (startupTimeout.isNegative() || startupTimeout.isZero()) {
        throw new IllegalArgumentException(
            "startupTimeout must be positive, was " + startupTimeout);
      }
      this.startupTimeout = startupTimeout;
      return this;
    }

    /**
     * Sets one Kafka broker property, overriding the class defaults (see {@link
     * EmbeddedKafkaBroker}). No extra overrides by default. Listener, quorum, role, node id and log
     * directory keys are managed by this class and rejected. Invalid keys or values fail at {@link
     * EmbeddedKafkaBroker#start()}.
     *
     * @throws IllegalArgumentException if {@code key} is managed by this class
     */
    public Builder brokerConfig(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (MANAGED_KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "Broker config '" + key + "' is managed by EmbeddedKafkaBroker (use dataDir()/port())");
      }
      brokerConfig.put(key, value);
      return this;
    }

    /**
     * Returns a new, not yet started broker with the current settings.
     *
     * @throws IllegalStateException if {@link #dataDir(Path)} was not set
     */
    public EmbeddedKafkaBroker build() {
      if (dataDir == null) {
        throw new IllegalStateException("EmbeddedKafkaBroker.Builder: dataDir is required");
      }
      return new EmbeddedKafkaBroker(this);
    }
  }
}
