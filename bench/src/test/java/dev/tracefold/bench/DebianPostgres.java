package dev.tracefold.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server from Debian's {@code postgresql} package (not the embedded binaries): its
 * {@code initdb} and {@code pg_ctl} from {@code /usr/lib/postgresql/<version>/bin} (the highest
 * version installed) create and start a cluster of its own in a directory, listening on {@code
 * localhost} at a free port (no Unix socket), with password authentication ({@code scram-sha-256})
 * for every connection, and one database owned by one user with a password, as a real deployment
 * has.
 *
 * <p>When the binaries are missing and this runs as root with apt-get (CI), {@link #start} installs
 * the package first ({@code apt-get install -y --no-install-recommends postgresql}, after {@code
 * apt-get update} if that fails); otherwise it fails saying what to install. As root the server
 * runs as the package's {@code postgres} user ({@code runuser}), since {@code initdb} refuses root.
 *
 * <p>Files: {@code <dir>/pgdata}, the server log {@code <dir>/postgres.log}, command output {@code
 * <dir>/commands.log}. As root, when {@code postgres} cannot reach {@code <dir>} (a parent without
 * o+x, such as {@code /root}), they go to a new directory under {@code java.io.tmpdir} instead,
 * deleted by {@link #close()}. {@link #close()} stops the server ({@code pg_ctl stop -m fast}); a
 * shutdown hook does it if this JVM exits first. Not thread-safe.
 */
final class DebianPostgres implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DebianPostgres.class);
  private static final Path PACKAGE_ROOT = Path.of("/usr/lib/postgresql");
  private static final String OS_USER = "postgres";
  private static final long COMMAND_TIMEOUT_MINUTES = 10;

  private final Path bin;
  private final Path dir;
  private final boolean temporary;
  private final Path dataDir;
  private final Path commandLog;
  private final boolean asRoot;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final Thread stopOnExit;
  private String serverVersion = "";
  private boolean stopped;

  private DebianPostgres(
      Path bin,
      Path dir,
      boolean asRoot,
      boolean temporary,
      int port,
      String database,
      String user,
      String password) {
    this.bin = bin;
    this.dir = dir;
    this.temporary = temporary;
    this.dataDir = dir.resolve("pgdata");
    this.commandLog = dir.resolve("commands.log");
    this.asRoot = asRoot;
    this.port = port;
    this.database = database;
    this.user = user;
    this.password = password;
    this.stopOnExit = new Thread(this::stopServer, "stop-debian-postgres");
  }

  /**
   * Installs the package if needed and possible, creates a cluster in {@code dir}, starts it and
   * creates {@code database} owned by {@code user} (password {@code password}).
   *
   * @throws IllegalStateException if the binaries are missing and cannot be installed, or a step
   *     fails (with its output)
   */
  static DebianPostgres start(Path dir, String database, String user, String password) {
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    Path bin = serverBinaries().orElseGet(() -> install(asRoot));
    Path absolute = dir.toAbsolutePath();
    boolean temporary = asRoot && !othersMayEnter(absolute.getParent());
    if (temporary) {
      absolute = reachableTemporaryDirectory(absolute);
    }
    DebianPostgres postgres =
        new DebianPostgres(
            bin, absolute, asRoot, temporary, ChildJvm.freePort(), database, user, password);
    try {
      postgres.initAndStart();
      return postgres;
    } catch (RuntimeException e) {
      postgres.close();
      throw e;
    }
  }

  /** Whether every directory from {@code dir} up to the root lets other users pass (o+x). */
  private static boolean othersMayEnter(Path dir) {
    try {
      for (Path p = dir; p != null; p = p.getParent()) {
        if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A new directory under {@code java.io.tmpdir} for a cluster whose wanted directory the {@code
   * postgres} user cannot reach (a checkout under {@code /root}, say); deleted by {@link #close()}.
   */
  private static Path reachableTemporaryDirectory(Path wanted) {
    try {
      Path dir =
          Files.createTempDirectory(
                  Path.of(System.getProperty("java.io.tmpdir")), "tracefold-postgres-")
              .toAbsolutePath();
      if (!othersMayEnter(dir.getParent())) {
        throw new IllegalStateException(
            "User postgres can reach neither "
                + wanted
                + " nor "
                + dir
                + " (a parent directory lacks o+x): run the test from a checkout it can reach");
      }
      log.info("User postgres cannot reach {} (a parent lacks o+x): using {}", wanted, dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code bin} directory of the highest PostgreSQL version of Debian's package, if any. */
  static Optional<Path> serverBinaries() {
    if (!Files.isDirectory(PACKAGE_ROOT)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(PACKAGE_ROOT)) {
      return versions
          .filter(v -> v.getFileName().toString().matches("\\d+"))
          .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
          .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
          .map(v -> v.resolve("bin"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path install(boolean asRoot) {
    String how =
        "PostgreSQL's server binaries (Debian package 'postgresql': "
            + PACKAGE_ROOT
            + "/<version>/bin/initdb) are missing";
    if (!asRoot || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
      throw new IllegalStateException(
          how
              + " and this test installs them only as root with apt-get: run 'sudo apt-get"
              + " install -y --no-install-recommends postgresql' (.ci/run does)");
    }
    log.info("{}: installing them with apt-get", how);
    List<String> installCommand =
        List.of("apt-get", "install", "-y", "--no-install-recommends", "postgresql");
    String output;
    try {
      Path aptLog = Files.createTempFile("tracefold-apt", ".log");
      try {
        if (run(installCommand, aptLog) != 0) {
          // a clean machine may have no package lists yet
          run(List.of("apt-get", "update"), aptLog);
          run(installCommand, aptLog);
        }
        output = Files.readString(aptLog, StandardCharsets.UTF_8);
      } finally {
        Files.deleteIfExists(aptLog);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return serverBinaries()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Installing Debian's postgresql package failed; apt-get said:\n" + output));
  }

  private void initAndStart() {
    try {
      Files.createDirectories(dir);
      Path passwordFile = dir.resolve("superuser-password");
      String superuserPassword = HexFormat.of().formatHex(SecureRandom.getSeed(12));
      Files.writeString(passwordFile, superuserPassword + "\n", StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
      if (asRoot) {
        ownedByPostgres(dir);
        ownedByPostgres(passwordFile);
      }
      command(
          "initdb",
          bin.resolve("initdb").toString(),
          "-D",
          dataDir.toString(),
          "-U",
          "postgres",
          "--auth=scram-sha-256",
          "--pwfile=" + passwordFile,
          "-E",
          "UTF8",
          "--locale=C");
      Files.delete(passwordFile);
      command(
          "pg_ctl start",
          bin.resolve("pg_ctl").toString(),
          "-D",
          dataDir.toString(),
          "-l",
          dir.resolve("postgres.log").toString(),
          "-w",
          "-t",
          "120",
          "-o",
          "-p " + port + " -c listen_addresses=localhost -c unix_socket_directories=''",
          "start");
      Runtime.getRuntime().addShutdownHook(stopOnExit);
      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:postgresql://localhost:" + port + "/postgres",
                  "postgres",
                  superuserPassword);
          Statement s = c.createStatement()) {
        s.execute("CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'");
        s.execute("CREATE DATABASE " + database + " OWNER " + user);
        try (ResultSet version = s.executeQuery("SHOW server_version")) {
          version.next();
          serverVersion = version.getString(1);
        }
      }
      log.info(
          "Debian's PostgreSQL {} ({}) on localhost:{}, database {} of user {}",
          serverVersion,
          bin,
          port,
          database,
          user);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException("Setting up PostgreSQL failed", e);
    }
  }

  private static void ownedByPostgres(Path path) throws IOException {
    UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
    GroupPrincipal group = users.lookupPrincipalByGroupName(OS_USER);
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
    view.setOwner(users.lookupPrincipalByName(OS_USER));
    view.setGroup(group);
  }

  /** Runs a PostgreSQL command, as {@code postgres} when this JVM is root. */
  private void command(String what, String... args) {
    List<String> command = new ArrayList<>();
    if (asRoot) {
      command.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    command.addAll(List.of(args));
    int status = run(command, commandLog);
    if (status != 0) {
      throw new IllegalStateException(
          what + " failed (status " + status + "); " + commandLog + " ends with:\n" + tail());
    }
  }

  private String tail() {
    return PipelineProcess.tail(commandLog);
  }

  /** Runs {@code command}, appending its output to {@code output}; its exit status. */
  private static int run(List<String> command, Path output) {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
      builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process process = builder.start();
      if (!process.waitFor(COMMAND_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly().waitFor();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + command, e);
    }
  }

  /** {@code jdbc:postgresql://localhost:<port>/<database>}. */
  String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + port + "/" + database;
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  /** The server's {@code server_version}, such as {@code 15.14 (Debian 15.14-0+deb12u1)}. */
  String serverVersion() {
    return serverVersion;
  }

  private synchronized void stopServer() {
    if (stopped || !Files.exists(dataDir.resolve("postmaster.pid"))) {
      return;
    }
    stopped = true;
    List<String> command = new ArrayList<>();
    if (asRoot) {
      command.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    command.addAll(
        List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "stop"));
    run(command, commandLog);
  }

  /**
   * Stops the server; its files stay, unless they had to go to a temporary directory (then they are
   * deleted).
   */
  @Override
  public void close() {
    stopServer();
    if (temporary) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        log.warn("Cannot delete {}: {}", dir, e.toString());
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException e) {
      // shutting down already, or the hook was never added
    }
  }
}
