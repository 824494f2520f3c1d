package dev.tracefold.api;

import com.typesafe.config.Config;
import dev.tracefold.service.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the read API's own jobs ({@code tracefold.api.*}). Immutable.
 *
 * @param scorePendingAge how long a fired evaluation trigger may wait for a score before {@link
 *     ScorePendingMonitor} counts it (default 10 minutes)
 */
public record ApiSettings(Duration scorePendingAge) {
  /** Default of {@link #scorePendingAge()}. */
  public static final Duration DEFAULT_SCORE_PENDING_AGE = Duration.ofMinutes(10);

  /**
   * @throws IllegalArgumentException if the age is shorter than 1 s
   */
  public ApiSettings {
    Objects.requireNonNull(scorePendingAge, "scorePendingAge");
    if (scorePendingAge.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "tracefold.api.score-pending-age must be at least 1s, was " + scorePendingAge);
    }
  }

  /**
   * Reads {@code tracefold.api.score-pending-age} (environment {@code
   * TRACEFOLD_API_SCORE_PENDING_AGE}; see this module's reference.conf).
   *
   * @throws com.typesafe.config.ConfigException if the setting is missing or not a duration
   * @throws IllegalArgumentException if it is out of range
   */
  public static ApiSettings from(Config config) {
    return new ApiSettings(Durations.get(config, "tracefold.api.score-pending-age"));
  }
}
