package dev.tracefold.store;

import com.typesafe.config.Config;
import java.util.Objects;

/**
 * Connection settings of the PostgreSQL trace store ({@code tracefold.store.*}). Immutable.
 *
 * <p>{@link #toString()} masks the password.
 *
 * @param jdbcUrl JDBC URL, e.g. {@code jdbc:postgresql://localhost:5432/tracefold}
 * @param username database user
 * @param password database password (may be empty)
 * @param maximumPoolSize most connections the pool opens; at least 1
 */
public record StoreSettings(String jdbcUrl, String username, String password, int maximumPoolSize) {
  public StoreSettings {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "tracefold.store.jdbc-url must start with jdbc:postgresql:, was '" + jdbcUrl + "'");
    }
    if (maximumPoolSize < 1) {
      throw new IllegalArgumentException(
          "tracefold.store.maximum-pool-size must be >= 1, was " + maximumPoolSize);
    }
  }

  /**
   * Reads {@code tracefold.store.*}: {@code jdbc-url}, {@code username}, {@code password}, {@code
   * maximum-pool-size} (environment overrides {@code TRACEFOLD_STORE_JDBC_URL}, {@code
   * TRACEFOLD_STORE_USERNAME}, {@code TRACEFOLD_STORE_PASSWORD}, {@code
   * TRACEFOLD_STORE_MAXIMUM_POOL_SIZE}; see this module's reference.conf).
   *
   * @throws com.typesafe.config.ConfigException if a setting is missing or has the wrong type
   * @throws IllegalArgumentException if a value is out of range
   */
  public static StoreSettings from(Config config) {
    Config store = config.getConfig("tracefold.store");
    return new StoreSettings(
        store.getString("jdbc-url"),
        store.getString("username"),
        store.getString("password"),
        store.getInt("maximum-pool-size"));
  }

  /** The same settings with another JDBC URL, user and password (e.g. an embedded server's). */
  public StoreSettings withConnection(String jdbcUrl, String username, String password) {
    return new StoreSettings(jdbcUrl, username, password, maximumPoolSize);
  }

  @Override
  public String toString() {
    return "StoreSettings[jdbcUrl="
        + jdbcUrl
        + ", username="
        + username
        + ", password=****, maximumPoolSize="
        + maximumPoolSize
        + "]";
  }
}
