package dev.tracefold.service;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Parses configured durations. Accepts HOCON duration strings ({@code 300ms}, {@code 5s}, {@code
 * 5m} = five minutes, {@code 1h}, {@code 2d}; units as in Typesafe Config's "Duration format") and
 * ISO-8601 durations ({@code PT5M}, {@code PT0.3S}).
 */
public final class Durations {
  private Durations() {}

  /**
   * Reads a duration setting.
   *
   * @param config the configuration
   * @param path the setting's path, e.g. {@code tracefold.completion.quiet-window}
   * @return the duration; never negative
   * @throws ConfigException.BadValue naming the path and the accepted forms, if the value is not a
   *     duration or is negative
   * @throws ConfigException.Missing if the path is not set
   */
  public static Duration get(Config config, String path) {
    String text = config.getString(path).trim();
    Duration duration;
    try {
      duration = parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue(path, e.getMessage());
    }
    if (duration.isNegative()) {
      throw new ConfigException.BadValue(path, "must not be negative: '" + text + "'");
    }
    return duration;
  }

  /**
   * Parses one duration string.
   *
   * @throws IllegalArgumentException if the text is neither a HOCON nor an ISO-8601 duration
   */
  public static Duration parse(String text) {
    String trimmed = text.trim();
    if (trimmed.toUpperCase(Locale.ROOT).startsWith("P")) {
      try {
        return Duration.parse(trimmed);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(invalid(trimmed), e);
      }
    }
    try {
      return ConfigFactory.parseString("d = \"" + trimmed.replace("\"", "") + "\"")
          .getDuration("d");
    } catch (ConfigException e) {
      throw new IllegalArgumentException(invalid(trimmed), e);
    }
  }

  private static String invalid(String text) {
    return "'" + text + "' is not a duration; use e.g. 300ms, 5s, 5m, 1h or ISO-8601 PT5M";
  }
}
