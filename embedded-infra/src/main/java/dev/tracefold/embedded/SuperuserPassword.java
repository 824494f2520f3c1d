package dev.tracefold.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded PostgreSQL superuser's password and the cluster's client authentication.
 *
 * <p>The password is 32 random characters (24 bytes of {@link SecureRandom}, base64url), made the
 * first time a data directory is used and kept in {@value #FILE_NAME} beside {@code pgdata}, owner
 * read/write only ({@code 0600}), so that the same cluster opens with it after a restart and an
 * operator can read it there for {@code psql}. {@code initdb} is given the file ({@code --pwfile})
 * and {@code --auth=scram-sha-256}, so a new cluster never accepts a connection without it.
 *
 * <p>Clusters made before this class existed were initialised with {@code trust}; {@link
 * #replaceTrust} gives their superuser the password and switches {@code pg_hba.conf} to {@code
 * scram-sha-256} once, on their first start with this code.
 */
final class SuperuserPassword {
  /** Name of the file, in the data directory, that holds the password. */
  static final String FILE_NAME = "superuser-password";

  private static final int RANDOM_BYTES = 24;
  private static final Pattern TRUST_METHOD =
      Pattern.compile("(?m)^(\\s*(?:local|host)\\S*\\s.*?)\\btrust\\b");

  private final Path file;
  private final String password;

  private SuperuserPassword(Path file, String password) {
    this.file = file;
    this.password = password;
  }

  /**
   * Reads the password of {@code dataDir}, making and storing a new one if there is none yet.
   *
   * @param dataDir the server's data directory (absolute, existing)
   * @throws IOException if the file cannot be read or written, or is empty
   */
  static SuperuserPassword readOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      byte[] random = new byte[RANDOM_BYTES];
      new SecureRandom().nextBytes(random);
      String fresh = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, fresh + "\n", StandardCharsets.UTF_8);
      } catch (FileAlreadyExistsException raced) {
        // Another start made it first: read theirs.
      }
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw new IOException(file + " is empty: delete it only together with the cluster");
    }
    return new SuperuserPassword(file, lines.get(0).strip());
  }

  /** The file holding the password (its first line), for {@code initdb --pwfile}. */
  Path file() {
    return file;
  }

  /** The password. */
  String value() {
    return password;
  }

  /**
   * If {@code pg_hba.conf} of the running cluster in {@code pgData} still lets clients in with
   * {@code trust}, sets this password for the superuser (connecting while trust still holds),
   * replaces every {@code trust} method with {@code scram-sha-256} and reloads the configuration.
   *
   * @param jdbcUrl the running cluster's URL
   * @return whether the cluster trusted clients and was switched
   * @throws IOException if {@code pg_hba.conf} cannot be read or written
   * @throws SQLException if the password cannot be set or the configuration reloaded
   */
  boolean replaceTrust(Path pgData, String jdbcUrl, String superuser)
      throws IOException, SQLException {
    Path hba = pgData.resolve("pg_hba.conf");
    Matcher trust = TRUST_METHOD.matcher(Files.readString(hba));
    if (!trust.find()) {
      return false;
    }
    try (Connection c = DriverManager.getConnection(jdbcUrl, superuser, password);
        Statement s = c.createStatement()) {
      // The password is base64url: nothing in it needs quoting.
      s.execute("ALTER ROLE " + superuser + " PASSWORD '" + password + "'");
      Files.writeString(hba, trust.replaceAll("$1scram-sha-256"));
      s.execute("SELECT pg_reload_conf()");
    }
    return true;
  }
}
