package dev.tracefold.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An embedded PostgreSQL's processes: its server, found from its {@code postmaster.pid} (the server
 * detaches from the JVM that started it), and the server's descendants (backends, background
 * workers). Not thread-safe: one sampling thread.
 */
final class PostgresProcesses {
  private final Path pidFile;
  private final ProcessHandle fallbackParent;
  private ProcessHandle server;

  /**
   * @param pidFile the server's {@code postmaster.pid}
   * @param fallbackParent whose descendants count instead while the pid file cannot be read
   */
  PostgresProcesses(Path pidFile, ProcessHandle fallbackParent) {
    this.pidFile = pidFile;
    this.fallbackParent = fallbackParent;
  }

  /** The processes alive now: the server and its descendants, or the fallback's descendants. */
  List<ProcessHandle> alive() {
    if (server == null || !server.isAlive()) {
      try {
        String first = Files.readAllLines(pidFile).get(0).trim();
        server = ProcessHandle.of(Long.parseLong(first)).orElse(null);
      } catch (IOException | RuntimeException e) {
        server = null;
      }
    }
    List<ProcessHandle> processes = new ArrayList<>();
    if (server != null) {
      processes.add(server);
      server.descendants().forEach(processes::add);
    } else {
      fallbackParent.descendants().forEach(processes::add);
    }
    return processes;
  }

  /**
   * CPU time (user + system) of the processes {@linkplain #alive alive now}, ns: a backend that
   * ended no longer counts.
   */
  long cpuNanos() {
    return alive().stream().mapToLong(CpuMeter::processCpuNanos).sum();
  }
}
