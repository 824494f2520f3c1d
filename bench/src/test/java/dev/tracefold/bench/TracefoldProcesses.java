package dev.tracefold.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tracefold's services as separate processes, the topology of {@code docker-compose.yml} and {@code
 * deploy/k8s} with replicas: each a child JVM ({@link ChildJvm}) running the service's own main
 * class on this JVM's classpath, configured only by the {@code TRACEFOLD_*} environment variables
 * of README.md's configuration table, as the Compose file and the Kubernetes manifests configure
 * the images: the Kafka cluster's bootstrap servers, 6 partitions, replication factor 3, the
 * PostgreSQL URL, user and password, and per process its ports, state directory or instance id.
 * Every port is a free one of this machine; every process logs to {@code <dir>/<name>.log}.
 *
 * <p>Processes: {@code trace-api} (read and management API), {@code gateway-1..n} ({@code
 * IngestGatewayMain}; the API key is given as {@code TRACEFOLD_API_KEYS}), {@code stream-1..n}
 * ({@code CompletionStreamMain}, state under {@code <dir>/stream-<i>-state}, kept across a restart
 * like a StatefulSet's volume) and {@code sink-1..n} ({@code RollupSinkMain}, instance id {@code
 * rollup-sink-<i>} like the StatefulSet's pod names). Not thread-safe.
 */
final class TracefoldProcesses implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

  /**
   * One service process.
   *
   * @param jvm the process
   * @param port the port serving {@code /health} (and {@code /metrics})
   */
  record Service(ChildJvm jvm, int port) {
    URI health() {
      return URI.create("http://localhost:" + port + "/health");
    }

    /** Starts it again (same environment, ports and files) and waits until it is healthy. */
    void restart() {
      jvm.start();
      jvm.awaitHealthy(health(), START_TIMEOUT);
    }
  }

  /**
   * A gateway process.
   *
   * @param service the process, {@code /health} on its API port
   * @param otlpHttpPort its OTLP/HTTP port
   */
  record Gateway(Service service, int otlpHttpPort) {
    URI otlpHttpUri() {
      return URI.create("http://localhost:" + otlpHttpPort + "/v1/traces");
    }
  }

  /**
   * What the processes share.
   *
   * @param dir where logs and state go
   * @param kafkaBootstrapServers the Kafka cluster
   * @param postgres the store
   * @param apiKeys {@code TRACEFOLD_API_KEYS} ({@code key=project})
   * @param completion completion settings, as {@code TRACEFOLD_COMPLETION_*} variables
   * @param jvmOptions JVM options of every process
   */
  record Settings(
      Path dir,
      String kafkaBootstrapServers,
      DebianPostgres postgres,
      String apiKeys,
      Map<String, String> completion,
      List<String> jvmOptions) {}

  private final Settings settings;
  private final List<Service> all = new ArrayList<>();
  private Service traceApi;
  private final List<Gateway> gateways = new ArrayList<>();
  private final List<Service> streams = new ArrayList<>();
  private final List<Service> sinks = new ArrayList<>();

  private TracefoldProcesses(Settings settings) {
    this.settings = settings;
  }

  /**
   * Starts trace-api and {@code replicas} of each of the gateway, the completion stream and the
   * rollup sink, all at once, and waits until every one answers {@code /health} with 200.
   *
   * @throws IllegalStateException with the end of its log if one exits or is not healthy within 4
   *     minutes (the others are stopped again)
   */
  static TracefoldProcesses start(Settings settings, int replicas) {
    TracefoldProcesses processes = new TracefoldProcesses(settings);
    try {
      int apiPort = ChildJvm.freePort();
      processes.traceApi =
          processes.service(
              "trace-api",
              "dev.tracefold.api.TraceApiMain",
              apiPort,
              Map.of("TRACEFOLD_API_PORT", Integer.toString(apiPort)));
      for (int i = 1; i <= replicas; i++) {
        int otlpHttpPort = ChildJvm.freePort();
        int apiPortOfGateway = ChildJvm.freePort();
        processes.gateways.add(
            new Gateway(
                processes.service(
                    "gateway-" + i,
                    "dev.tracefold.gateway.IngestGatewayMain",
                    apiPortOfGateway,
                    Map.of(
                        "TRACEFOLD_GATEWAY_OTLP_HTTP_PORT", Integer.toString(otlpHttpPort),
                        "TRACEFOLD_GATEWAY_API_PORT", Integer.toString(apiPortOfGateway),
                        "TRACEFOLD_GATEWAY_OTLP_GRPC_PORT", Integer.toString(ChildJvm.freePort()),
                        "TRACEFOLD_API_KEYS", settings.apiKeys())),
                otlpHttpPort));
      }
      for (int i = 1; i <= replicas; i++) {
        int opsPort = ChildJvm.freePort();
        Map<String, String> env = new LinkedHashMap<>(settings.completion());
        env.put("TRACEFOLD_COMPLETION_OPS_PORT", Integer.toString(opsPort));
        env.put(
            "TRACEFOLD_COMPLETION_STATE_DIR",
            settings.dir().resolve("stream-" + i + "-state").toAbsolutePath().toString());
        processes.streams.add(
            processes.service(
                "stream-" + i, "dev.tracefold.completion.CompletionStreamMain", opsPort, env));
      }
      for (int i = 1; i <= replicas; i++) {
        int opsPort = ChildJvm.freePort();
        processes.sinks.add(
            processes.service(
                "sink-" + i,
                "dev.tracefold.sink.RollupSinkMain",
                opsPort,
                Map.of(
                    "TRACEFOLD_SINK_OPS_PORT",
                    Integer.toString(opsPort),
                    "TRACEFOLD_SINK_INSTANCE_ID",
                    "rollup-sink-" + i)));
      }
      processes.all.forEach(s -> s.jvm().start());
      processes.all.forEach(s -> s.jvm().awaitHealthy(s.health(), START_TIMEOUT));
      return processes;
    } catch (RuntimeException e) {
      processes.close();
      throw e;
    }
  }

  private Service service(String name, String mainClass, int port, Map<String, String> own) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TRACEFOLD_KAFKA_BOOTSTRAP_SERVERS", settings.kafkaBootstrapServers());
    env.put("TRACEFOLD_KAFKA_PARTITIONS", "6");
    env.put("TRACEFOLD_KAFKA_REPLICATION_FACTOR", "3");
    env.put("TRACEFOLD_STORE_JDBC_URL", settings.postgres().jdbcUrl());
    env.put("TRACEFOLD_STORE_USERNAME", settings.postgres().user());
    env.put("TRACEFOLD_STORE_PASSWORD", settings.postgres().password());
    env.put("TRACEFOLD_LOG_FORMAT", "text");
    env.putAll(own);
    Service service =
        new Service(
            new ChildJvm(
                name,
                settings.jvmOptions(),
                mainClass,
                List.of(),
                env,
                settings.dir().resolve(name + ".log")),
            port);
    all.add(service);
    return service;
  }

  /** {@code http://localhost:<port>} of trace-api. */
  URI traceApiUri() {
    return URI.create("http://localhost:" + traceApi.port());
  }

  List<Gateway> gateways() {
    return gateways;
  }

  /** Completion-stream instance {@code i}, from 1. */
  Service stream(int i) {
    return streams.get(i - 1);
  }

  /** Rollup-sink instance {@code i}, from 1. */
  Service sink(int i) {
    return sinks.get(i - 1);
  }

  /** Stops every process (SIGTERM; each service closes its clients). */
  @Override
  public void close() {
    all.parallelStream().forEach(s -> s.jvm().close());
  }
}
