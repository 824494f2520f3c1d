package dev.tracefold.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Markdown sections every benchmark report of this module ends with: the machine (cores, CPU, heap,
 * Java, OS, load averages) and the command that reproduces the run with its effective settings.
 * Stateless.
 */
final class ReportSections {
  /** The command that builds the jars, as in bench/README.md. */
  static final String BUILD_COMMAND = "./mvnw -B -DskipTests package -pl bench -am";

  /** The classpath of the run command, relative to the project root. */
  static final String CLASSPATH = "bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*";

  private ReportSections() {}

  /** The 1-minute system load average, or -1 if unknown. */
  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /**
   * The machine as a Markdown bullet list, with the 1-minute load averages of the run's start and
   * end.
   */
  static String machine(double loadAverageAtStart, double loadAverageAtEnd) {
    Runtime runtime = Runtime.getRuntime();
    return String.join(
        "\n",
        "- cores: " + runtime.availableProcessors() + " (" + cpuModel() + ")",
        "- max heap: "
            + runtime.maxMemory() / (1024 * 1024)
            + " MB per JVM (JVM options: "
            + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())
            + ")",
        "- Java: "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ", "
            + System.getProperty("java.vendor")
            + ")",
        "- OS: "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch")
            + ", "
            + totalMemory(),
        String.format(
            Locale.ROOT,
            "- 1-minute load average: %.2f at the start, %.2f at the end. The machine may be"
                + " shared: compare figures from one run, and re-run on a quiet machine for absolute numbers.",
            loadAverageAtStart,
            loadAverageAtEnd),
        "");
  }

  /**
   * The "Reproduce" section: the build command, the run command of {@code main} with this JVM's
   * options and {@code args}, and the table of effective settings.
   */
  static String reproduce(Class<?> main, List<String> args, Map<String, String> effective) {
    StringBuilder md = new StringBuilder();
    md.append("## Reproduce\n\nFrom the project root:\n\n```\n")
        .append(BUILD_COMMAND)
        .append('\n')
        .append(runCommand(main, args))
        .append("\n```\n\n");
    md.append(
        "Effective settings (`--key=value` or `-Dbench.key=value`):\n\n| key | value |\n|---|---|\n");
    for (Map.Entry<String, String> e : effective.entrySet()) {
      md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
    }
    return md.toString();
  }

  /** {@code java <this JVM's options> -cp <CLASSPATH> <main> <args>}, shell-quoted. */
  static String runCommand(Class<?> main, List<String> args) {
    StringBuilder command = new StringBuilder("java");
    ManagementFactory.getRuntimeMXBean()
        .getInputArguments()
        .forEach(arg -> command.append(' ').append(quote(arg)));
    command.append(" -cp \"").append(CLASSPATH).append("\" ").append(main.getName());
    args.forEach(arg -> command.append(' ').append(quote(arg)));
    return command.toString();
  }

  /** {@code 42 s} or {@code 3 min 5 s}. */
  static String human(Duration duration) {
    long seconds = duration.toSeconds();
    return seconds >= 60 ? seconds / 60 + " min " + seconds % 60 + " s" : seconds + " s";
  }

  private static String quote(String arg) {
    return arg.matches("[A-Za-z0-9_./:=,@%+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
  }

  private static String cpuModel() {
    return firstValue(Path.of("/proc/cpuinfo"), "model name", "unknown CPU");
  }

  private static String totalMemory() {
    String kb = firstValue(Path.of("/proc/meminfo"), "MemTotal", null);
    if (kb == null) {
      return "RAM unknown";
    }
    return Long.parseLong(kb.replace("kB", "").trim()) / (1024 * 1024) + " GiB RAM";
  }

  private static String firstValue(Path file, String key, String fallback) {
    try (var lines = Files.lines(file)) {
      return lines
          .filter(line -> line.startsWith(key))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst()
          .orElse(fallback);
    } catch (IOException | RuntimeException e) {
      return fallback;
    }
  }
}
