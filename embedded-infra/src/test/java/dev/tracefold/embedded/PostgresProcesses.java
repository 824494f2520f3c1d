package dev.tracefold.embedded;

import java.nio.file.Path;
import java.util.List;

/** Finds PostgreSQL processes run from zonky's binaries under this JVM's {@code java.io.tmpdir}. */
final class PostgresProcesses {
  private PostgresProcesses() {}

  static List<ProcessHandle> running() {
    String binaries =
        Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toAbsolutePath().toString();
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.startsWith(binaries)).orElse(false))
        .toList();
  }
}
