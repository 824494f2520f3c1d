package dev.tracefold.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process of a cluster test: {@code java <jvm options> -cp <this JVM's classpath> <main class>
 * <arguments>}, with the given environment ({@code TRACEFOLD_*} variables inherited from this JVM
 * are removed first, so only the given ones configure it). Its standard output and error are
 * appended to one log file, which every start marks with a line, so a killed and restarted process
 * keeps one readable log.
 *
 * <p>{@link #start()} may be called again after {@link #kill()} or {@link #stop()} (a restart with
 * the same command, environment and files). A shutdown hook kills a running process if this JVM
 * exits first. Not thread-safe: one test thread drives it.
 */
final class ChildJvm implements AutoCloseable {
  private static final int FIRST_SCANNED_PORT = 20000;
  private static final int FIRST_EPHEMERAL_PORT = 32768;
  private static final int SCANNED_PORTS = FIRST_EPHEMERAL_PORT - FIRST_SCANNED_PORT;
  private static final AtomicInteger nextPort =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(SCANNED_PORTS));

  private static final Logger log = LoggerFactory.getLogger(ChildJvm.class);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path logFile;
  private Process process;
  private Thread killOnExit;

  /**
   * @param name a short name for logs and messages ({@code gateway-1}, {@code kafka-2})
   * @param jvmOptions options before {@code -cp}, such as {@code -Xmx384m}
   * @param mainClass the class whose {@code main} runs
   * @param arguments its arguments
   * @param environment variables added to this JVM's environment (without its {@code TRACEFOLD_*})
   * @param logFile where its output goes (appended; the directory is created)
   */
  ChildJvm(
      String name,
      List<String> jvmOptions,
      String mainClass,
      List<String> arguments,
      Map<String, String> environment,
      Path logFile) {
    this.name = name;
    List<String> c = new ArrayList<>();
    c.add(PipelineProcess.javaCommand());
    c.addAll(jvmOptions);
    c.add("-cp");
    c.add(System.getProperty("java.class.path"));
    c.add(mainClass);
    c.addAll(arguments);
    this.command = List.copyOf(c);
    this.environment = new LinkedHashMap<>(environment);
    this.logFile = logFile.toAbsolutePath();
  }

  /**
   * A TCP port free on every address right now, below Linux's ephemeral range (32768-60999 by
   * default). A port the kernel hands out for port 0 lies in that range, where the outgoing
   * connections of Kafka and PostgreSQL clients take ports too: one took such a port between its
   * choice and a gateway's bind in ClusterIT (2026-12-06). Ports are scanned from a random start
   * and not handed out twice by this JVM (until 12,768 calls wrap). Another process could still
   * take one before it is used, which then fails that process's start.
   */
  static int freePort() {
    for (int tries = 0; tries < SCANNED_PORTS; tries++) {
      int port = FIRST_SCANNED_PORT + Math.floorMod(nextPort.getAndIncrement(), SCANNED_PORTS);
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(port));
        return port;
      } catch (IOException taken) {
        // in use: the next one
      }
    }
    throw new UncheckedIOException(
        new IOException("No free TCP port in " + FIRST_SCANNED_PORT + "-" + FIRST_EPHEMERAL_PORT));
  }

  String name() {
    return name;
  }

  Path logFile() {
    return logFile;
  }

  /**
   * Starts the process (again).
   *
   * @throws IllegalStateException if it is running
   * @throws UncheckedIOException if it cannot be started
   */
  ChildJvm start() {
    if (isAlive()) {
      throw new IllegalStateException(name + " is running already (pid " + process.pid() + ")");
    }
    try {
      Files.createDirectories(logFile.getParent());
      Files.writeString(
          logFile,
          "==== " + Instant.now() + " starting " + name + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      builder.environment().keySet().removeIf(key -> key.startsWith("TRACEFOLD_"));
      builder.environment().putAll(environment);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + name, e);
    }
    Process started = process;
    killOnExit = new Thread(started::destroyForcibly, "kill-" + name);
    Runtime.getRuntime().addShutdownHook(killOnExit);
    log.info("Started {} (pid {}, log {})", name, started.pid(), logFile);
    return this;
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Sends SIGKILL ({@code kill -9}) and waits until the process is gone. */
  void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
    log.info("Killed {} (pid {}) with SIGKILL", name, process.pid());
  }

  /**
   * Sends SIGTERM, waits up to 60 s for the process to stop (shutdown hooks run), else kills it.
   */
  void stop() {
    if (!isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (process.waitFor(60, TimeUnit.SECONDS)) {
        removeHook();
        return;
      }
      log.warn("{} did not stop within 60 s of SIGTERM: SIGKILL", name);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kill();
  }

  private void awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(name + " did not exit within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for " + name, e);
    } finally {
      removeHook();
    }
  }

  private void removeHook() {
    if (killOnExit != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      } catch (IllegalStateException e) {
        // this JVM is shutting down already
      }
      killOnExit = null;
    }
  }

  /**
   * Waits until {@code GET health} answers 200.
   *
   * @throws IllegalStateException with the end of the log if the process exits or the timeout
   *     passes first
   */
  void awaitHealthy(URI health, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int lastStatus = -1;
    while (System.nanoTime() < deadline) {
      if (!isAlive()) {
        throw new IllegalStateException(
            name + " exited before it was healthy; its log ends with:\n" + tail());
      }
      try {
        lastStatus =
            HTTP.send(
                    HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (lastStatus == 200) {
          return;
        }
      } catch (IOException e) {
        lastStatus = -1; // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + name, e);
      }
      Pause.millis(500);
    }
    throw new IllegalStateException(
        name
            + " was not healthy ("
            + health
            + " answered "
            + lastStatus
            + ") within "
            + timeout
            + "; its log ends with:\n"
            + tail());
  }

  /** The last 30 lines of the log. */
  String tail() {
    return PipelineProcess.tail(logFile);
  }

  /** Stops the process (SIGTERM, then SIGKILL after 60 s). */
  @Override
  public void close() {
    stop();
    removeHook();
  }
}
