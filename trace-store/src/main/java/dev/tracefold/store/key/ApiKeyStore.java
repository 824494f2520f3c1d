package dev.tracefold.store.key;

import dev.tracefold.store.TraceStore;
import dev.tracefold.store.TraceStoreException;
import dev.tracefold.store.sql.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Projects and their API keys in PostgreSQL (tables {@code projects} and {@code api_keys}, Flyway
 * migration V2). Obtained from {@link TraceStore#apiKeys()}, which migrated the schema; shares its
 * connection pool.
 *
 * <p>Keys are never stored: only their {@linkplain ApiKeys#displayPrefix display prefix}, a random
 * 16-byte salt and {@code SHA-256(salt || key)}. A fast hash suffices because generated keys carry
 * about 190 random bits, far beyond any brute force, so a slow password hash (bcrypt, Argon2) would
 * only add latency to every uncached verification; the per-key salt makes equal keys hash
 * differently and precomputed tables useless. An HMAC with a server secret was not chosen because
 * every gateway replica and the CLI would then need that secret. To verify a presented key, the
 * active rows with its prefix are read (an index lookup) and each candidate's hash is compared in
 * constant time.
 *
 * <p>Thread-safe: every method borrows its own connection and runs in its own transaction. Database
 * failures throw {@link TraceStoreException}.
 */
public final class ApiKeyStore {
  /** Advisory lock class id serialising {@link #syncConfigKeys}: ASCII "tk". */
  private static final int CONFIG_SYNC_LOCK_NAMESPACE = 0x746B;

  private static final String COLUMNS =
      "id, project_id, prefix, source, created_at, revoked_at, hash, salt";
  private static final String ENSURE_PROJECT_SQL =
      "INSERT INTO projects (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING";
  private static final String INSERT_KEY_SQL =
      "INSERT INTO api_keys (project_id, hash, salt, prefix, source) VALUES (?, ?, ?, ?, ?)"
          + " RETURNING "
          + COLUMNS;
  private static final String CANDIDATES_SQL =
      "SELECT " + COLUMNS + " FROM api_keys WHERE prefix = ? AND revoked_at IS NULL ORDER BY id";
  private static final String GET_SQL = "SELECT " + COLUMNS + " FROM api_keys WHERE id = ?";
  private static final String LIST_ALL_SQL = "SELECT " + COLUMNS + " FROM api_keys ORDER BY id";
  private static final String LIST_PROJECT_SQL =
      "SELECT " + COLUMNS + " FROM api_keys WHERE project_id = ? ORDER BY id";
  private static final String ACTIVE_CONFIG_SQL =
      "SELECT " + COLUMNS + " FROM api_keys WHERE source = 'config' AND revoked_at IS NULL";
  private static final String REVOKE_SQL =
      "UPDATE api_keys SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL";
  private static final String HAS_ACTIVE_SQL =
      "SELECT EXISTS (SELECT 1 FROM api_keys WHERE project_id = ? AND revoked_at IS NULL)";
  private static final String LOCK_SQL = "SELECT pg_advisory_xact_lock(?, 0)";

  private final Transactions transactions;

  public ApiKeyStore(Transactions transactions) {
    this.transactions = transactions;
  }

  /**
   * Creates a random key ({@link ApiKeys#generate()}) for a project, creating the project (named
   * after its id) if it does not exist.
   *
   * @return the plaintext key, which is not stored and cannot be shown again, and its stored info
   * @throws IllegalArgumentException if the project id is not {@linkplain ProjectIds#isValid valid}
   * @throws TraceStoreException if the database fails
   */
  public CreatedApiKey create(String projectId, ApiKeySource source) {
    ProjectIds.check(projectId);
    Objects.requireNonNull(source, "source");
    String key = ApiKeys.generate();
    ApiKeyInfo info =
        transactions.write(
            "create an API key for project " + projectId,
            connection -> insert(connection, key, projectId, source));
    return new CreatedApiKey(key, info);
  }

  /**
   * The project a key authenticates.
   *
   * @param key the presented key; anything not {@linkplain ApiKeys#isWellFormed well formed} (null
   *     included) is unknown, without a database call
   * @return the project id, or empty if the key is unknown or revoked
   * @throws TraceStoreException if the database fails
   */
  public Optional<String> verify(String key) {
    return find(key).map(ApiKeyInfo::projectId);
  }

  /**
   * The stored info of an active key.
   *
   * @return the key's info, or empty if the key is unknown, revoked or not well formed
   * @throws TraceStoreException if the database fails
   */
  public Optional<ApiKeyInfo> find(String key) {
    if (!ApiKeys.isWellFormed(key)) {
      return Optional.empty();
    }
    return transactions.read("verify an API key", connection -> findActive(connection, key));
  }

  /**
   * A key by id, active or revoked.
   *
   * @throws TraceStoreException if the database fails
   */
  public Optional<ApiKeyInfo> get(long id) {
    return transactions.read(
        "read API key " + id,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(GET_SQL)) {
            statement.setLong(1, id);
            List<ApiKeyInfo> found = readInfos(statement);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
          }
        });
  }

  /**
   * Lists keys, active and revoked, oldest first.
   *
   * @param projectId only this project's keys; null for every project's
   * @throws TraceStoreException if the database fails
   */
  public List<ApiKeyInfo> list(String projectId) {
    return transactions.read(
        projectId == null ? "list API keys" : "list API keys of project " + projectId,
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(projectId == null ? LIST_ALL_SQL : LIST_PROJECT_SQL)) {
            if (projectId != null) {
              statement.setString(1, projectId);
            }
            return readInfos(statement);
          }
        });
  }

  /**
   * Revokes a key: {@link #verify} stops finding it at once (gateways that cached it stop accepting
   * it within their cache time). Revoking a revoked key changes nothing.
   *
   * @return the key's info afterwards (with {@code revokedAt} set), or empty if no key has this id
   * @throws TraceStoreException if the database fails
   */
  public Optional<ApiKeyInfo> revoke(long id) {
    transactions.write(
        "revoke API key " + id,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(REVOKE_SQL)) {
            statement.setLong(1, id);
            return statement.executeUpdate();
          }
        });
    return get(id);
  }

  /**
   * Whether a project has at least one active key.
   *
   * @throws TraceStoreException if the database fails
   */
  public boolean hasActiveKey(String projectId) {
    Objects.requireNonNull(projectId, "projectId");
    return transactions.read(
        "look up the API keys of project " + projectId,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(HAS_ACTIVE_SQL)) {
            statement.setString(1, projectId);
            try (ResultSet rows = statement.executeQuery()) {
              rows.next();
              return rows.getBoolean(1);
            }
          }
        });
  }

  /**
   * Makes the stored {@linkplain ApiKeySource#CONFIG configuration keys} match the configuration,
   * in one transaction serialised with other gateways doing the same: a listed key that no active
   * key matches is stored (creating its project); a listed key already active for its project is
   * left alone; an active configuration key the configuration no longer lists is revoked.
   *
   * @param projectByKey plaintext key → project id ({@code TRACEFOLD_API_KEYS})
   * @return how many keys were added, left alone and revoked
   * @throws IllegalArgumentException if a key is not well formed or a project id is invalid
   *     (nothing is changed), or a listed key is already active for another project (revoke it
   *     first); messages show key prefixes only
   * @throws TraceStoreException if the database fails; nothing is changed
   */
  public ConfigKeySync syncConfigKeys(Map<String, String> projectByKey) {
    projectByKey.forEach(
        (key, project) -> {
          ApiKeys.checkWellFormed(key, "TRACEFOLD_API_KEYS");
          ProjectIds.check(project);
        });
    return transactions.write(
        "store the API keys of TRACEFOLD_API_KEYS",
        connection -> {
          try (PreparedStatement lock = connection.prepareStatement(LOCK_SQL)) {
            lock.setInt(1, CONFIG_SYNC_LOCK_NAMESPACE);
            lock.executeQuery().close();
          }
          Set<Long> listed = new HashSet<>();
          int added = 0;
          int unchanged = 0;
          for (Map.Entry<String, String> entry : projectByKey.entrySet()) {
            String key = entry.getKey();
            Optional<ApiKeyInfo> stored = findActive(connection, key);
            if (stored.isEmpty()) {
              listed.add(insert(connection, key, entry.getValue(), ApiKeySource.CONFIG).id());
              added++;
            } else if (stored.get().projectId().equals(entry.getValue())) {
              listed.add(stored.get().id());
              unchanged++;
            } else {
              throw new IllegalArgumentException(
                  "TRACEFOLD_API_KEYS gives key "
                      + stored.get().prefix()
                      + "... to project "
                      + entry.getValue()
                      + ", but it is an active key of project "
                      + stored.get().projectId()
                      + " (id "
                      + stored.get().id()
                      + "); revoke it first (tracefold keys revoke "
                      + stored.get().id()
                      + ") or use another key");
            }
          }
          List<Long> stale = new ArrayList<>();
          try (PreparedStatement statement = connection.prepareStatement(ACTIVE_CONFIG_SQL)) {
            for (ApiKeyInfo info : readInfos(statement)) {
              if (!listed.contains(info.id())) {
                stale.add(info.id());
              }
            }
          }
          try (PreparedStatement revoke = connection.prepareStatement(REVOKE_SQL)) {
            for (long id : stale) {
              revoke.setLong(1, id);
              revoke.addBatch();
            }
            revoke.executeBatch();
          }
          return new ConfigKeySync(added, unchanged, stale.size());
        });
  }

  private static ApiKeyInfo insert(
      Connection connection, String key, String projectId, ApiKeySource source)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(ENSURE_PROJECT_SQL)) {
      statement.setString(1, projectId);
      statement.setString(2, projectId);
      statement.executeUpdate();
    }
    byte[] salt = ApiKeys.newSalt();
    try (PreparedStatement statement = connection.prepareStatement(INSERT_KEY_SQL)) {
      statement.setString(1, projectId);
      statement.setBytes(2, ApiKeys.hash(key, salt));
      statement.setBytes(3, salt);
      statement.setString(4, ApiKeys.displayPrefix(key));
      statement.setString(5, source.label());
      return readInfos(statement).get(0);
    }
  }

  private static Optional<ApiKeyInfo> findActive(Connection connection, String key)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(CANDIDATES_SQL)) {
      statement.setString(1, ApiKeys.displayPrefix(key));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          if (ApiKeys.matches(key, rows.getBytes("salt"), rows.getBytes("hash"))) {
            return Optional.of(info(rows));
          }
        }
      }
    }
    return Optional.empty();
  }

  private static List<ApiKeyInfo> readInfos(PreparedStatement statement) throws SQLException {
    List<ApiKeyInfo> infos = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        infos.add(info(rows));
      }
    }
    return infos;
  }

  private static ApiKeyInfo info(ResultSet rows) throws SQLException {
    return new ApiKeyInfo(
        rows.getLong("id"),
        rows.getString("project_id"),
        rows.getString("prefix"),
        ApiKeySource.ofLabel(rows.getString("source")),
        instant(rows, "created_at"),
        instant(rows, "revoked_at"));
  }

  private static Instant instant(ResultSet rows, String column) throws SQLException {
    java.time.OffsetDateTime value = rows.getObject(column, java.time.OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
