package dev.tracefold.bench;

import dev.tracefold.service.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * The settings conventions every benchmark of this module shares. Each setting is read from, in
 * increasing precedence: the defaults of the full run (or of the smoke run with {@code --quick}),
 * the system property {@code bench.<key>}, the argument {@code --<key>=<value>}. Durations accept
 * {@code 300ms}, {@code 5s}, {@code 5m} or ISO-8601; counts accept {@code _} separators ({@code
 * 1_000_000}). The typed readers' messages name the key. Stateless.
 */
final class BenchArgs {
  /** Prefix of the system properties: {@code -Dbench.<key>=<value>}. */
  static final String PROPERTY_PREFIX = "bench.";

  /**
   * Settings resolved from arguments, system properties and defaults.
   *
   * @param quick whether {@code --quick} (or {@code -Dbench.quick=true}) was given
   * @param values every key's value, in the order of the defaults
   * @param args the arguments as given (printed in the reproduce command)
   */
  record Resolved(boolean quick, Map<String, String> values, List<String> args) {
    Resolved {
      values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
      args = List.copyOf(args);
    }
  }

  private BenchArgs() {}

  /**
   * Resolves the arguments over the system properties over the defaults.
   *
   * @param args {@code --key=value} arguments; {@code --quick} and {@code --help} take no value,
   *     {@code --key} alone means {@code --key=true}
   * @param systemProperties where {@code bench.<key>} properties are looked up
   * @param full defaults of the full run; its keys are the accepted keys
   * @param quick defaults of the {@code --quick} run, same keys
   * @return the values in the order of {@code full}, or null if {@code --help} was given
   * @throws IllegalArgumentException for an unknown key or an argument not of the form {@code
   *     --key=value}
   */
  static Resolved resolve(
      List<String> args,
      Properties systemProperties,
      Map<String, String> full,
      Map<String, String> quick) {
    Objects.requireNonNull(args, "args");
    if (args.contains("--help") || args.contains("-h")) {
      return null;
    }
    boolean isQuick =
        args.contains("--quick")
            || Boolean.parseBoolean(
                systemProperties.getProperty(PROPERTY_PREFIX + "quick", "false"));
    Map<String, String> values = new LinkedHashMap<>(isQuick ? quick : full);
    for (String key : values.keySet()) {
      String property = systemProperties.getProperty(PROPERTY_PREFIX + key);
      if (property != null) {
        values.put(key, property);
      }
    }
    for (String arg : args) {
      if (arg.equals("--quick")) {
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("Expected --key=value, got '" + arg + "'; try --help");
      }
      int eq = arg.indexOf('=');
      String key = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
      String value = eq < 0 ? "true" : arg.substring(eq + 1);
      if (!values.containsKey(key)) {
        throw new IllegalArgumentException("Unknown option --" + key + "; try --help");
      }
      values.put(key, value);
    }
    return new Resolved(isQuick, values, args);
  }

  /**
   * The values without the {@code hidden} keys, in their order: the effective settings to print.
   */
  static Map<String, String> visible(Map<String, String> ordered, Collection<String> hidden) {
    Map<String, String> shown = new LinkedHashMap<>(ordered);
    hidden.forEach(shown::remove);
    return shown;
  }

  /** The help text of {@code benchName}: every visible key with its full and quick default. */
  static String usage(
      String benchName,
      Map<String, String> full,
      Map<String, String> quick,
      Collection<String> hidden) {
    StringBuilder text = new StringBuilder();
    text.append("Usage: ")
        .append(benchName)
        .append(" [--quick] [--key=value ...]  (or -Dbench.<key>=<value>)\n");
    text.append(String.format("  %-28s %-22s %s%n", "key", "default", "--quick default"));
    for (Map.Entry<String, String> entry : full.entrySet()) {
      if (!hidden.contains(entry.getKey())) {
        text.append(
            String.format(
                "  --%-26s %-22s %s%n",
                entry.getKey(), entry.getValue(), quick.get(entry.getKey())));
      }
    }
    return text.toString();
  }

  /**
   * {@code bench/target/bench-work} when run from the project root, else {@code target/bench-work}.
   */
  static String defaultWorkDir() {
    return Files.isDirectory(Path.of("bench", "target"))
        ? "bench/target/bench-work"
        : "target/bench-work";
  }

  /** The value of {@code key}, a positive integer. */
  static int positiveInt(Map<String, String> v, String key) {
    try {
      int value = Integer.parseInt(v.get(key).replace("_", "").trim());
      if (value < 1) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--" + key + " must be a positive integer, got '" + v.get(key) + "'", e);
    }
  }

  /** The value of {@code key}, a non-negative integer. */
  static int nonNegativeInt(Map<String, String> v, String key) {
    return v.get(key).trim().equals("0") ? 0 : positiveInt(v, key);
  }

  /** The value of {@code key}, a duration of zero or more. */
  static Duration duration(Map<String, String> v, String key) {
    try {
      Duration value = Durations.parse(v.get(key));
      if (value.isNegative()) {
        throw new IllegalArgumentException("negative");
      }
      return value;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--" + key + " must be a duration such as 300ms, 5s or 5m, got '" + v.get(key) + "'", e);
    }
  }

  /** The value of {@code key}, a positive duration. */
  static Duration positiveDuration(Map<String, String> v, String key) {
    Duration value = duration(v, key);
    if (value.isZero()) {
      throw new IllegalArgumentException(
          "--" + key + " must be positive, got '" + v.get(key) + "'");
    }
    return value;
  }
}
