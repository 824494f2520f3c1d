package dev.tracefold.ops;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds Debian's {@code prometheus} and {@code promtool} on the PATH, installing the {@code
 * prometheus} package with apt-get when they are missing (CI runs as root; {@code .ci/run} installs
 * it beforehand). Tests are skipped, with a message saying so, only where apt-get is not available.
 */
final class PrometheusTools {
  private static final long APT_TIMEOUT_MINUTES = 10;

  private PrometheusTools() {}

  /** The result of running a command: exit code and combined output. */
  record Run(int exitCode, String output) {}

  /** Ensures both binaries exist; installs them or skips the calling test. */
  static synchronized void require() {
    if (onPath("prometheus").isPresent() && onPath("promtool").isPresent()) {
      return;
    }
    assumeTrue(
        onPath("apt-get").isPresent(),
        "Assumption: Prometheus (Debian package 'prometheus': prometheus and promtool) is not on"
            + " the PATH and apt-get is unavailable to install it; install Prometheus 2.x to run"
            + " this test");
    Run install = aptInstall();
    if (install.exitCode() != 0) {
      // a clean machine may have no package lists yet
      Run update = run(List.of("apt-get", "update"), APT_TIMEOUT_MINUTES);
      install = update.exitCode() == 0 ? aptInstall() : update;
    }
    if (install.exitCode() != 0 || onPath("promtool").isEmpty()) {
      throw new IllegalStateException(
          "Installing Debian's prometheus package failed (CI runs as root; elsewhere run"
              + " 'sudo apt-get install -y prometheus'):\n"
              + install.output());
    }
  }

  private static Run aptInstall() {
    return run(
        List.of("apt-get", "install", "-y", "--no-install-recommends", "prometheus"),
        APT_TIMEOUT_MINUTES);
  }

  /** Runs {@code promtool} with arguments, in {@code dir}. */
  static Run promtool(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add("promtool");
    command.addAll(List.of(args));
    return run(command, dir, 2);
  }

  static Run run(List<String> command, long timeoutMinutes) {
    return run(command, null, timeoutMinutes);
  }

  private static Run run(List<String> command, Path dir, long timeoutMinutes) {
    try {
      Path output = Files.createTempFile("tracefold-command", ".log");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        if (dir != null) {
          builder.directory(dir.toFile());
        }
        Process process = builder.start();
        if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
          process.destroyForcibly().waitFor();
          return new Run(
              -1, String.join(" ", command) + " timed out after " + timeoutMinutes + " min");
        }
        return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + command, e);
    }
  }

  static Optional<Path> onPath(String binary) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, binary);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
