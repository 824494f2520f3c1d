package dev.tracefold.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Heap in use after a full GC and the resident set size of this process. Immutable.
 *
 * @param heapUsedBytes {@code MemoryMXBean} heap used right after {@code System.gc()}
 * @param rssBytes {@code VmRSS} of {@code /proc/self/status}; -1 where there is no procfs. It
 *     includes off-heap memory: RocksDB's block caches and memtables, direct buffers, metaspace,
 *     thread stacks.
 */
record MemorySnapshot(long heapUsedBytes, long rssBytes) {
  private static final Path STATUS = Path.of("/proc/self/status");

  /** Runs {@code System.gc()} (twice, so finalisable garbage goes too) and measures. */
  static MemorySnapshot take() {
    System.gc();
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return new MemorySnapshot(heap, currentRssBytes());
  }

  /** {@code VmRSS} in bytes, or -1 if it cannot be read. */
  static long currentRssBytes() {
    return rssBytes(STATUS);
  }

  /** {@code VmRSS} of process {@code pid} in bytes, or -1 if it cannot be read (e.g. it ended). */
  static long rssBytes(long pid) {
    return rssBytes(Path.of("/proc", Long.toString(pid), "status"));
  }

  private static long rssBytes(Path status) {
    try {
      List<String> lines = Files.readAllLines(status);
      for (String line : lines) {
        if (line.startsWith("VmRSS:")) {
          String kilobytes = line.substring("VmRSS:".length()).replace("kB", "").trim();
          return Long.parseLong(kilobytes) * 1024;
        }
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
