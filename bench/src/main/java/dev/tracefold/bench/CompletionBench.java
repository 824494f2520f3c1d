package dev.tracefold.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The completion-stream benchmark: one command, a Markdown table on standard output (logs go to
 * standard error).
 *
 * <p>Scenarios ({@code --scenarios}, all by default): Tracefold's completion stream and the
 * textbook {@link BaselineTopology} each measured for throughput (pre-loaded spans, time until
 * every trace is emitted), completion lag at a steady paced load, and memory with many traces
 * buffered. Each scenario runs in a fresh child JVM with the same JVM options ({@code
 * --fork=false}: in this JVM, one after the other), on its own in-process {@code
 * EmbeddedKafkaBroker} under the work directory. See {@link BenchOptions#usage()} for the settings
 * and bench/README.md for the command.
 *
 * <p>Exit status: 0 when every scenario produced figures, 1 when one failed, 2 for bad arguments.
 */
public final class CompletionBench {
  private static final Logger log = LoggerFactory.getLogger(CompletionBench.class);

  private CompletionBench() {}

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(List.of(args), System.getProperties());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(BenchOptions.usage());
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.print(BenchOptions.usage());
      return;
    }
    if (options.runScenario() != null) {
      System.exit(runChild(options));
      return;
    }
    BenchReport report = run(options);
    System.out.println(report.markdown());
    System.exit(report.allOk() ? 0 : 1);
  }

  /**
   * Runs the selected scenarios and collects their figures.
   *
   * @param options the run's options; {@code fork} decides between child JVMs and this JVM
   * @return the report; failed scenarios are in it as failed results
   */
  static BenchReport run(BenchOptions options) {
    Instant started = Instant.now();
    double loadAtStart = ReportSections.loadAverage();
    List<ScenarioResult> results = new ArrayList<>();
    BenchOptions current = options;
    BenchCluster shared = null;
    Path sharedDir = null;
    try {
      if (!options.fork()) {
        Files.createDirectories(options.workDir());
        sharedDir = Files.createTempDirectory(options.workDir(), "shared-kafka-");
        shared = new ScenarioRunner(options).startCluster(sharedDir);
      }
      for (Scenario scenario : options.scenarios()) {
        ScenarioResult result =
            current.fork()
                ? runForked(current, scenario)
                : new ScenarioRunner(current).run(scenario, shared);
        results.add(result);
        if (scenario == Scenario.THROUGHPUT && current.lagSpansPerSecond() == 0 && result.ok()) {
          current = current.withLagSpansPerSecond(autoLagRate(result.spansPerSecond()));
          log.info("--lag-spans-per-second=auto: {} spans/s", current.lagSpansPerSecond());
        }
      }
    } catch (IOException | RuntimeException e) {
      log.error("The benchmark could not run", e);
      for (Scenario scenario : options.scenarios()) {
        if (results.stream().noneMatch(r -> r.scenario() == scenario)) {
          results.add(ScenarioResult.failed(scenario, "not run: " + e));
        }
      }
    } finally {
      if (shared != null) {
        shared.close();
      }
      if (sharedDir != null) {
        ScenarioRunner.deleteRecursively(sharedDir);
      }
    }
    return new BenchReport(
        current, started, Instant.now(), loadAtStart, ReportSections.loadAverage(), results);
  }

  /** Half the measured throughput, rounded down to 100 spans/s, within [100, MAX_AUTO_LAG_RATE]. */
  static int autoLagRate(double throughputSpansPerSecond) {
    long half = (long) (throughputSpansPerSecond / 2 / 100) * 100;
    return (int) Math.max(100, Math.min(BenchOptions.MAX_AUTO_LAG_RATE, half));
  }

  /** In a child JVM: runs its one scenario and writes the result file. */
  private static int runChild(BenchOptions options) {
    // a child outliving its parent would hold a broker and a core for nothing
    ProcessHandle.current()
        .parent()
        .ifPresent(
            parent ->
                parent
                    .onExit()
                    .thenRun(
                        () -> {
                          log.error(
                              "The parent JVM exited; stopping scenario {}",
                              options.runScenario().id);
                          Runtime.getRuntime().halt(3);
                        }));
    ScenarioResult result = new ScenarioRunner(options).run(options.runScenario());
    try {
      result.writeTo(options.resultFile());
      return 0;
    } catch (IOException e) {
      log.error("Cannot write {}", options.resultFile(), e);
      return 1;
    }
  }

  /** Runs {@code scenario} in a child JVM with this JVM's options and classpath. */
  private static ScenarioResult runForked(BenchOptions options, Scenario scenario) {
    Path resultFile = null;
    try {
      Files.createDirectories(options.workDir());
      resultFile = Files.createTempFile(options.workDir(), scenario.id + "-", ".properties");
      List<String> command = new ArrayList<>();
      command.add(
          ProcessHandle.current()
              .info()
              .command()
              .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(CompletionBench.class.getName());
      command.addAll(options.args());
      if (options.lagSpansPerSecond() > 0) {
        command.add("--lag-spans-per-second=" + options.lagSpansPerSecond());
      }
      command.add("--run-scenario=" + scenario.id);
      command.add("--result-file=" + resultFile);
      log.info("Scenario {}: starting a child JVM", scenario.id);
      Process child = new ProcessBuilder(command).inheritIO().start();
      Thread stopChild = new Thread(child::destroy, "bench-stop-child");
      Runtime.getRuntime().addShutdownHook(stopChild);
      // generous: every step of a scenario is bounded by the timeout, and there are a handful
      long limitMinutes = 10 + 6 * options.timeout().toMinutes();
      boolean finished = child.waitFor(limitMinutes, TimeUnit.MINUTES);
      Runtime.getRuntime().removeShutdownHook(stopChild);
      if (!finished) {
        child.destroyForcibly();
        return ScenarioResult.failed(
            scenario, "child JVM did not finish within " + limitMinutes + " min");
      }
      if (Files.size(resultFile) == 0) {
        return ScenarioResult.failed(
            scenario, "child JVM exited with status " + child.exitValue() + " and no result");
      }
      return ScenarioResult.readFrom(resultFile);
    } catch (IOException | RuntimeException e) {
      return ScenarioResult.failed(scenario, "cannot run a child JVM: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ScenarioResult.failed(scenario, "interrupted");
    } finally {
      if (resultFile != null) {
        try {
          Files.deleteIfExists(resultFile);
        } catch (IOException e) {
          log.warn("Cannot delete {}", resultFile);
        }
      }
    }
  }
}
