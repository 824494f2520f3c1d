package dev.tracefold.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * CPU time of this JVM over a window: the whole process ({@code
 * com.sun.management.OperatingSystemMXBean#getProcessCpuTime}, GC and JIT included) and the Java
 * threads grouped into categories by name ({@code com.sun.management.ThreadMXBean}). Threads are
 * sampled every {@value #SAMPLE_MILLIS} ms on a daemon thread, so a thread that ends inside the
 * window still counts up to its last sample. Not thread-safe: start, then stop, from one thread.
 */
final class CpuMeter {
  static final long SAMPLE_MILLIS = 500;

  private final Function<String, String> categoryOf;
  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final Map<Long, Long> baseline = new HashMap<>();
  private final Map<Long, Long> latest = new HashMap<>();
  private final Map<Long, String> names = new HashMap<>();
  private long processStartNanos;
  private volatile boolean running;
  private Thread sampler;

  /**
   * @param categoryOf the category of a thread name, e.g. {@code gateway}; never null
   */
  CpuMeter(Function<String, String> categoryOf) {
    this.categoryOf = categoryOf;
  }

  /**
   * CPU of the window, ns.
   *
   * @param processNanos the whole process
   * @param byCategory the Java threads, by category (sorted by name)
   */
  record Usage(long processNanos, Map<String, Long> byCategory) {
    Usage {
      byCategory = Map.copyOf(byCategory);
    }

    /** CPU of {@code category}, ns (0 if none ran). */
    long of(String category) {
      return byCategory.getOrDefault(category, 0L);
    }

    /**
     * Process CPU not seen on any Java thread (GC, JIT, threads that ended between samples), ns.
     */
    long unattributedNanos() {
      return processNanos - byCategory.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * CPU time (user + system) of a process so far, from {@code ProcessHandle.Info}, ns; 0 when the
   * system does not tell.
   */
  static long processCpuNanos(ProcessHandle process) {
    return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
  }

  /**
   * CPU time (user + system) so far of another JVM's JIT compiler threads (HotSpot's {@code C1
   * CompilerThread*} and {@code C2 CompilerThread*}), read from {@code /proc/<pid>/task/*}, ns;
   * compiler threads that already ended are not counted. 0 where {@code /proc} does not tell (not
   * Linux). Linux reports these times in clock ticks of 1/100 s ({@code USER_HZ}).
   */
  static long compilerThreadsCpuNanos(long pid) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    if (!Files.isDirectory(tasks)) {
      return 0;
    }
    long ticks = 0;
    try (Stream<Path> threads = Files.list(tasks)) {
      for (Path thread : (Iterable<Path>) threads::iterator) {
        ticks += compilerThreadTicks(thread);
      }
    } catch (IOException | UncheckedIOException e) {
      return 0; // the process ended
    }
    return ticks * 10_000_000L;
  }

  private static long compilerThreadTicks(Path thread) {
    try {
      String name = Files.readString(thread.resolve("comm")).strip();
      if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
        return 0;
      }
      String stat = Files.readString(thread.resolve("stat"));
      // fields after the parenthesised name: state is field 3, utime 14 and stime 15
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return 0; // the thread ended between listing and reading
    }
  }

  /** Whether per-thread CPU time is available in this JVM. */
  boolean threadCpuSupported() {
    return threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
  }

  /** Opens the window. */
  void start() {
    processStartNanos = os.getProcessCpuTime();
    if (threadCpuSupported()) {
      sample(baseline);
      running = true;
      sampler =
          new Thread(
              () -> {
                while (running) {
                  Pause.millis(SAMPLE_MILLIS);
                  sample(latest);
                }
              },
              "bench-cpu-sampler");
      sampler.setDaemon(true);
      sampler.start();
    }
  }

  /** Closes the window and returns its CPU. */
  Usage stop() {
    long processNanos = os.getProcessCpuTime() - processStartNanos;
    Map<String, Long> byCategory = new TreeMap<>();
    if (sampler != null) {
      running = false;
      try {
        sampler.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted", e);
      }
      sample(latest);
      synchronized (this) {
        latest.forEach(
            (id, cpu) ->
                byCategory.merge(
                    categoryOf.apply(names.get(id)),
                    Math.max(0, cpu - baseline.getOrDefault(id, 0L)),
                    Long::sum));
      }
    }
    return new Usage(processNanos, byCategory);
  }

  private synchronized void sample(Map<Long, Long> into) {
    long[] ids = threads.getAllThreadIds();
    long[] cpu = threads.getThreadCpuTime(ids);
    var infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (cpu[i] >= 0 && infos[i] != null) {
        into.put(ids[i], cpu[i]);
        names.put(ids[i], infos[i].getThreadName());
      }
    }
  }
}
