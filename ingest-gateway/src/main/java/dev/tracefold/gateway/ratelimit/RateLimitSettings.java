package dev.tracefold.gateway.ratelimit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import dev.tracefold.service.Durations;
import dev.tracefold.store.key.ProjectIds;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Per-project ingest rate limits ({@code tracefold.gateway.rate-limit.*}). Each project gets its
 * own pair of token buckets (spans and bytes) in each gateway replica, so with N replicas behind a
 * load balancer a project may reach N times its limit. Immutable.
 *
 * @param defaultLimit the limit of every project not listed in {@code projects} (default 50000
 *     spans/s and 64 MiB/s)
 * @param burst how much unused rate a bucket saves up: its capacity is rate × burst (default 2 s)
 * @param projects limits of particular projects, by project id
 */
public record RateLimitSettings(
    RateLimit defaultLimit, Duration burst, Map<String, RateLimit> projects) {
  /** Default spans per second per project. */
  public static final long DEFAULT_SPANS_PER_SECOND = 50_000;

  /** Default request bytes per second per project: 64 MiB. */
  public static final long DEFAULT_BYTES_PER_SECOND = 64L * 1024 * 1024;

  /** Default burst: 2 s of the rate. */
  public static final Duration DEFAULT_BURST = Duration.ofSeconds(2);

  /**
   * @throws IllegalArgumentException if burst is below 1 ms or a project id is invalid
   */
  public RateLimitSettings {
    Objects.requireNonNull(defaultLimit, "defaultLimit");
    Objects.requireNonNull(burst, "burst");
    projects = Map.copyOf(projects);
    if (burst.toMillis() < 1) {
      throw new IllegalArgumentException(
          "tracefold.gateway.rate-limit.burst must be at least 1ms, was " + burst);
    }
    projects.keySet().forEach(ProjectIds::check);
  }

  /** 50000 spans/s, 64 MiB/s, 2 s burst, no per-project overrides. */
  public static RateLimitSettings defaults() {
    return new RateLimitSettings(
        new RateLimit(DEFAULT_SPANS_PER_SECOND, DEFAULT_BYTES_PER_SECOND), DEFAULT_BURST, Map.of());
  }

  /** No limits (tests and benchmarks that measure something else). */
  public static RateLimitSettings unlimited() {
    return new RateLimitSettings(RateLimit.UNLIMITED, DEFAULT_BURST, Map.of());
  }

  /** The limit of one project. */
  public RateLimit limitOf(String projectId) {
    return projects.getOrDefault(projectId, defaultLimit);
  }

  /**
   * Reads {@code tracefold.gateway.rate-limit}: {@code spans-per-second}, {@code bytes-per-second}
   * (a count or a size such as {@code 64MiB}), {@code burst}, and {@code projects { "id" {
   * spans-per-second = .., bytes-per-second = .. } }} where a missing rate falls back to the
   * default.
   *
   * @throws ConfigException if a setting is missing or malformed
   * @throws IllegalArgumentException if a value is out of range
   */
  public static RateLimitSettings from(Config config) {
    Config limits = config.getConfig("tracefold.gateway.rate-limit");
    RateLimit defaults =
        new RateLimit(limits.getLong("spans-per-second"), limits.getBytes("bytes-per-second"));
    Map<String, RateLimit> projects = new TreeMap<>();
    Config perProject = limits.getConfig("projects");
    for (String project : perProject.root().keySet()) {
      Config one = perProject.getConfig(ConfigUtil.quoteString(project));
      projects.put(
          project,
          new RateLimit(
              one.hasPath("spans-per-second")
                  ? one.getLong("spans-per-second")
                  : defaults.spansPerSecond(),
              one.hasPath("bytes-per-second")
                  ? one.getBytes("bytes-per-second")
                  : defaults.bytesPerSecond()));
    }
    return new RateLimitSettings(
        defaults, Durations.get(config, "tracefold.gateway.rate-limit.burst"), projects);
  }
}
