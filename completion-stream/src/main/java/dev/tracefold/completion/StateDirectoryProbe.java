package dev.tracefold.completion;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the completion stream's state directory takes writes, for {@code /health}: a full disk or
 * a read-only file system stops RocksDB only when it next flushes a memtable (at 300 spans/s, about
 * a minute later), and a stream thread that fails once is replaced and reported failing only at its
 * second failure, so until then {@code /health} said UP (found by issue #12's fault test). Each
 * {@link #problem()} writes a small file ({@value #PROBE_BYTES} bytes, forced to the device) into
 * the directory and deletes it. The first failure is logged as an error naming the directory and
 * the cause (e.g. "No space left on device", "Read-only file system"); the recovery is logged too.
 * A result is reused for {@link #MAX_AGE} so that frequent {@code /health} calls cost at most one
 * forced write a second. Thread-safe.
 */
final class StateDirectoryProbe {
  /** Bytes written by each probe: one page. */
  static final int PROBE_BYTES = 4096;

  /** How long a probe's result is reused. */
  static final Duration MAX_AGE = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(StateDirectoryProbe.class);

  private final Path dir;
  private final LongSupplier nanoTime;
  private String lastProblem; // guarded by this
  private long probedAtNanos; // guarded by this
  private boolean probed; // guarded by this

  /**
   * @param dir the state directory ({@code tracefold.completion.state-dir})
   */
  StateDirectoryProbe(Path dir) {
    this(dir, System::nanoTime);
  }

  /**
   * @param dir the state directory
   * @param nanoTime the monotonic clock in nanoseconds ({@link System#nanoTime} but in tests)
   */
  StateDirectoryProbe(Path dir, LongSupplier nanoTime) {
    this.dir = dir.toAbsolutePath();
    this.nanoTime = nanoTime;
  }

  /**
   * Null when a probe file could be written to the directory; else why not. Probes again when the
   * last probe is older than {@link #MAX_AGE}.
   */
  synchronized String problem() {
    long now = nanoTime.getAsLong();
    if (probed && now - probedAtNanos < MAX_AGE.toNanos()) {
      return lastProblem;
    }
    probed = true;
    probedAtNanos = now;
    String problem = probe();
    if (problem != null && lastProblem == null) {
      log.error("Completion stream: {}; its stores cannot be written", problem);
    } else if (problem == null && lastProblem != null) {
      log.info("Completion stream: the state directory {} takes writes again", dir);
    }
    lastProblem = problem;
    return problem;
  }

  private String probe() {
    Path file = null;
    try {
      Files.createDirectories(dir);
      file = Files.createTempFile(dir, ".health-probe-", ".tmp");
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ByteBuffer page = ByteBuffer.allocate(PROBE_BYTES);
        while (page.hasRemaining()) {
          channel.write(page);
        }
        channel.force(true);
      }
      return null;
    } catch (IOException e) {
      return "state directory " + dir + " is not writable (" + e + ")";
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          log.debug("Cannot delete the probe file {}: {}", file, e.toString());
        }
      }
    }
  }
}
