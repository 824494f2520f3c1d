package dev.tracefold.gateway;

import com.typesafe.config.Config;
import dev.tracefold.gateway.ratelimit.RateLimitSettings;
import dev.tracefold.service.Durations;
import dev.tracefold.store.key.ApiKeys;
import dev.tracefold.store.key.ProjectIds;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the gateway's tenancy: API keys from configuration, the key cache and per-project
 * rate limits ({@code tracefold.gateway.api-keys}, {@code api-key-cache-ttl}, {@code rate-limit.*}
 * in reference.conf). Immutable; {@link #toString()} shows key prefixes only.
 *
 * @param apiKeys plaintext key → project id, from {@code TRACEFOLD_API_KEYS}; stored hashed when
 *     the gateway starts (default none)
 * @param apiKeyCacheTtl how long a key's verification is reused before PostgreSQL is asked again,
 *     so how long a revoked key keeps working (default 5 s)
 * @param rateLimit per-project ingest limits
 */
public record TenancySettings(
    Map<String, String> apiKeys, Duration apiKeyCacheTtl, RateLimitSettings rateLimit) {
  /** Default key cache time: 5 s. */
  public static final Duration DEFAULT_API_KEY_CACHE_TTL = Duration.ofSeconds(5);

  /**
   * @throws IllegalArgumentException if a key or project id is malformed (the message names the
   *     entry, never the key), or the cache time is below 1 ms
   */
  public TenancySettings {
    Objects.requireNonNull(apiKeys, "apiKeys");
    Objects.requireNonNull(apiKeyCacheTtl, "apiKeyCacheTtl");
    Objects.requireNonNull(rateLimit, "rateLimit");
    apiKeys = Collections.unmodifiableMap(new LinkedHashMap<>(apiKeys));
    apiKeys.forEach(
        (key, project) -> {
          ApiKeys.checkWellFormed(key, "tracefold.gateway.api-keys (TRACEFOLD_API_KEYS)");
          ProjectIds.check(project);
        });
    if (apiKeyCacheTtl.toMillis() < 1) {
      throw new IllegalArgumentException(
          "tracefold.gateway.api-key-cache-ttl must be at least 1ms, was " + apiKeyCacheTtl);
    }
  }

  /** No configuration keys, a 5 s key cache, the default rate limits. */
  public static TenancySettings defaults() {
    return new TenancySettings(Map.of(), DEFAULT_API_KEY_CACHE_TTL, RateLimitSettings.defaults());
  }

  /**
   * Reads the tenancy settings of {@code tracefold.gateway}.
   *
   * @throws com.typesafe.config.ConfigException if a setting is missing or malformed
   * @throws IllegalArgumentException if a value is out of range or {@code api-keys} is malformed
   */
  public static TenancySettings from(Config config) {
    return new TenancySettings(
        parseApiKeys(config.getString("tracefold.gateway.api-keys")),
        Durations.get(config, "tracefold.gateway.api-key-cache-ttl"),
        RateLimitSettings.from(config));
  }

  /**
   * Parses {@code key=project,key=project}; blanks around entries are ignored, an empty text means
   * no keys.
   *
   * @throws IllegalArgumentException naming the 1-based entry that is not {@code KEY=PROJECT}, or a
   *     key listed twice; keys are never quoted
   */
  public static Map<String, String> parseApiKeys(String text) {
    Map<String, String> keys = new LinkedHashMap<>();
    if (text.isBlank()) {
      return keys;
    }
    String[] entries = text.split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      String where = "tracefold.gateway.api-keys (TRACEFOLD_API_KEYS) entry " + (i + 1);
      String entry = entries[i].trim();
      int equals = entry.lastIndexOf('=');
      if (equals <= 0 || equals == entry.length() - 1) {
        throw new IllegalArgumentException(
            where + " must be KEY=PROJECT, e.g. tf_...=my-project (entries are separated by ',')");
      }
      String key = entry.substring(0, equals).trim();
      String project = entry.substring(equals + 1).trim();
      ApiKeys.checkWellFormed(key, where);
      try {
        ProjectIds.check(project);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
      if (keys.put(key, project) != null) {
        throw new IllegalArgumentException(
            where + ": key " + ApiKeys.displayPrefix(key) + "... is listed twice");
      }
    }
    return keys;
  }

  /** A copy with other configuration keys. */
  public TenancySettings withApiKeys(Map<String, String> keys) {
    return new TenancySettings(keys, apiKeyCacheTtl, rateLimit);
  }

  /** A copy with another key cache time. */
  public TenancySettings withApiKeyCacheTtl(Duration ttl) {
    return new TenancySettings(apiKeys, ttl, rateLimit);
  }

  /** A copy with other rate limits. */
  public TenancySettings withRateLimit(RateLimitSettings limits) {
    return new TenancySettings(apiKeys, apiKeyCacheTtl, limits);
  }

  @Override
  public String toString() {
    Map<String, String> shown = new LinkedHashMap<>();
    apiKeys.forEach((key, project) -> shown.put(ApiKeys.displayPrefix(key) + "...", project));
    return "TenancySettings[apiKeys="
        + shown
        + ", apiKeyCacheTtl="
        + apiKeyCacheTtl
        + ", rateLimit="
        + rateLimit
        + "]";
  }
}
