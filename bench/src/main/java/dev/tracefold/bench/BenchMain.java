package dev.tracefold.bench;

import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command-line shell every benchmark shares: parses the options, prints the usage for {@code
 * --help} (exit 0) or after a bad option (on standard error, exit 2), runs the benchmark, prints
 * its Markdown report on standard output and exits 0, or 1 when it failed.
 */
final class BenchMain {
  private static final Logger log = LoggerFactory.getLogger(BenchMain.class);

  /** Parses arguments and system properties; null means {@code --help}. */
  @FunctionalInterface
  interface Parser<O> {
    O parse(List<String> args, Properties systemProperties);
  }

  private BenchMain() {}

  /**
   * @param parser the options parser (throws IllegalArgumentException on a bad option)
   * @param usage the usage text
   * @param run runs the benchmark and returns its Markdown report
   */
  static <O> void run(
      String[] args, Parser<O> parser, Supplier<String> usage, Function<O, String> run) {
    O options;
    try {
      options = parser.parse(List.of(args), System.getProperties());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(usage.get());
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.print(usage.get());
      return;
    }
    try {
      System.out.println(run.apply(options));
      System.exit(0);
    } catch (RuntimeException e) {
      log.error("The benchmark failed", e);
      System.exit(1);
    }
  }
}
