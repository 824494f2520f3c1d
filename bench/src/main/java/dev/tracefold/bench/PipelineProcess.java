package dev.tracefold.bench;

import dev.tracefold.embedded.EmbeddedPostgresServer;
import dev.tracefold.store.StoreSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole standalone pipeline in a child JVM ({@link PipelineChild}: same Java, this JVM's
 * classpath, {@code --pipeline-jvm-options}), so that its RSS and CPU are measured apart from the
 * load generator. Its configuration goes as {@code -Dtracefold.*} properties: every port 0 (free
 * ports), the data under the run's directory, the quiet window and punctuation interval of the
 * options, rate limits off, the partitions of the options; {@code TRACEFOLD_*} environment
 * variables are removed so that none points it elsewhere. The child writes its ports, broker,
 * PostgreSQL URL and development API key to a file that {@link #start} waits for; its output goes
 * to {@code pipeline.log} beside the data (appended: a restarted child's follows). {@link #close()}
 * closes its standard input (the child then closes the pipeline) and waits for it.
 */
final class PipelineProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PipelineProcess.class);
  private static final long START_TIMEOUT_MILLIS = TimeUnit.MINUTES.toMillis(3);

  private final Process process;
  private final Path logFile;
  private final Path dataDir;
  private final Properties endpoints;
  private final Thread stopOnExit;
  private boolean closed;

  private PipelineProcess(
      Process process, Path logFile, Path dataDir, Properties endpoints, Thread stopOnExit) {
    this.process = process;
    this.logFile = logFile;
    this.dataDir = dataDir;
    this.endpoints = endpoints;
    this.stopOnExit = stopOnExit;
  }

  /**
   * Starts the child JVM and waits until the pipeline runs.
   *
   * @param dir the run's directory: {@code data/} (the pipeline's data dir), {@code tmp/} (its
   *     {@code java.io.tmpdir}, where PostgreSQL's binaries are unpacked) and {@code pipeline.log}
   * @throws IllegalStateException if it does not start within 3 minutes, or exits
   */
  static PipelineProcess start(PipelineBenchOptions options, Path dir) {
    return start(options, dir, Map.of(), List.of());
  }

  /**
   * Starts the child JVM with more settings and waits until the pipeline runs; starting again on
   * the directory of a stopped or killed child takes its data over (the embedded servers' too).
   *
   * @param settings {@code tracefold.*} settings passed as {@code -D} properties, over the ones
   *     above (e.g. fixed ports, so that a restart keeps the addresses, or external servers)
   * @param launcher words put before the {@code java} command (e.g. a namespace wrapper that ends
   *     with {@code exec "$@"}); empty for none
   * @throws IllegalStateException if it does not start within 3 minutes, or exits
   */
  static PipelineProcess start(
      PipelineBenchOptions options, Path dir, Map<String, String> settings, List<String> launcher) {
    Path dataDir = dir.resolve("data").toAbsolutePath();
    Path tmp = dir.resolve("tmp").toAbsolutePath();
    Path logFile = dir.resolve("pipeline.log").toAbsolutePath();
    try {
      Files.createDirectories(dataDir);
      Files.createDirectories(tmp);
      Files.deleteIfExists(dataDir.resolve(PipelineChild.ENDPOINTS_FILE)); // an earlier child's
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>(launcher);
    command.addAll(command(options, dataDir, tmp, settings));
    log.info("Starting the pipeline in a child JVM (log: {})", logFile);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("TRACEFOLD_"));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the pipeline's JVM", e);
    }
    Thread stopOnExit = new Thread(process::destroy, "bench-stop-pipeline");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    PipelineProcess pipeline = null;
    try {
      Properties endpoints =
          awaitEndpoints(process, dataDir.resolve(PipelineChild.ENDPOINTS_FILE), logFile);
      pipeline = new PipelineProcess(process, logFile, dataDir, endpoints, stopOnExit);
      log.info(
          "Pipeline running (pid {}): OTLP/HTTP port {}, API port {}, Kafka {}",
          process.pid(),
          endpoints.getProperty("otlp-http-port"),
          endpoints.getProperty("api-port"),
          endpoints.getProperty("kafka-bootstrap-servers"));
      return pipeline;
    } finally {
      if (pipeline == null) {
        new PipelineProcess(process, logFile, dataDir, new Properties(), stopOnExit).close();
      }
    }
  }

  private static List<String> command(
      PipelineBenchOptions options, Path dataDir, Path tmp, Map<String, String> settings) {
    List<String> command = new ArrayList<>();
    command.add(javaCommand());
    command.addAll(options.pipelineJvmOptions());
    command.add("-Djava.io.tmpdir=" + tmp);
    String[][] config = {
      {"tracefold.standalone.data-dir", dataDir.toString()},
      {"tracefold.standalone.kafka-port", "0"},
      {"tracefold.standalone.postgres-port", "0"},
      {"tracefold.gateway.otlp-http-port", "0"},
      {"tracefold.gateway.otlp-grpc-port", "0"},
      {"tracefold.gateway.api-port", "0"},
      {"tracefold.gateway.rate-limit.spans-per-second", "0"},
      {"tracefold.gateway.rate-limit.bytes-per-second", "0"},
      {"tracefold.completion.quiet-window", options.quietWindow().toMillis() + "ms"},
      {
        "tracefold.completion.punctuation-interval", options.punctuationInterval().toMillis() + "ms"
      },
      {"tracefold.kafka.partitions", Integer.toString(options.partitions())},
    };
    Map<String, String> merged = new LinkedHashMap<>();
    for (String[] setting : config) {
      merged.put(setting[0], setting[1]);
    }
    merged.putAll(settings);
    merged.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(PipelineChild.class.getName());
    command.add(dataDir.toString());
    return command;
  }

  /** The {@code java} executable this JVM runs on, to start a child JVM with. */
  static String javaCommand() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** The settings the child is given, as printed in the report. */
  static List<String> configuration(PipelineBenchOptions options) {
    return command(options, Path.of("<data>"), Path.of("<tmp>"), Map.of()).stream()
        .filter(arg -> arg.startsWith("-D") || arg.startsWith("-X"))
        .toList();
  }

  private static Properties awaitEndpoints(Process process, Path file, Path logFile) {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
    while (!Files.exists(file)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "The pipeline's JVM exited with status "
                + process.exitValue()
                + " before it ran; its log ends with:\n"
                + tail(logFile));
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(
            "The pipeline did not start within 3 minutes; its log ends with:\n" + tail(logFile));
      }
      Pause.millis(100);
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (p.getProperty("api-key", "").isEmpty()) {
      throw new IllegalStateException("The pipeline printed no development API key");
    }
    return p;
  }

  /** The last 30 lines of the log. */
  static String tail(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(no log: " + e + ")";
    }
  }

  long pid() {
    return process.pid();
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The embedded PostgreSQL's pid file (its server is not a child of the JVM). */
  Path postgresPidFile() {
    return BenchPostgres.postmasterPidFile(
        dataDir.resolve("postgres").resolve(EmbeddedPostgresServer.PGDATA_DIR_NAME));
  }

  Path logFile() {
    return logFile;
  }

  URI otlpHttpUri() {
    return URI.create("http://localhost:" + endpoints.getProperty("otlp-http-port") + "/v1/traces");
  }

  /** The API port's base, {@code http://localhost:<port>} (read API, {@code /health}). */
  URI apiUri() {
    return URI.create("http://localhost:" + endpoints.getProperty("api-port"));
  }

  URI metricsUri() {
    return URI.create("http://localhost:" + endpoints.getProperty("api-port") + "/metrics");
  }

  String kafkaBootstrapServers() {
    return endpoints.getProperty("kafka-bootstrap-servers");
  }

  /** The pipeline's PostgreSQL: URL, user and password (pool size 2, unused by the bench). */
  StoreSettings storeSettings() {
    return new StoreSettings(
        endpoints.getProperty("store-jdbc-url"),
        endpoints.getProperty("store-username"),
        endpoints.getProperty("store-password"),
        2);
  }

  String apiKey() {
    return endpoints.getProperty("api-key");
  }

  /**
   * Kills the child JVM with SIGKILL (no shutdown hook runs: the embedded PostgreSQL's processes
   * outlive it, as after a crash) and waits for it to be gone.
   */
  synchronized void kill() {
    if (closed) {
      return;
    }
    closed = true;
    process.destroyForcibly();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("The pipeline's JVM survived SIGKILL for 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      removeShutdownHook();
    }
  }

  /**
   * Closes the child's standard input, waits up to 60 s for it to stop the pipeline, else kills it.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      process.getOutputStream().close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        log.warn("The pipeline's JVM did not stop within 60 s: SIGTERM");
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    } catch (IOException e) {
      process.destroy();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } finally {
      removeShutdownHook();
    }
  }

  private void removeShutdownHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException e) {
      // shutting down already
    }
  }
}
