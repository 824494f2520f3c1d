package dev.tracefold.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive use of a data directory by one embedded server: a JVM-wide registry (so two instances
 * in one JVM are told apart before any file is touched) plus, optionally, an OS file lock on a file
 * inside the directory (so two processes are told apart).
 *
 * <p>The registry matters because on Linux closing <em>any</em> channel of a file drops every lock
 * this process holds on it: probing another instance's lock file from the same JVM would silently
 * release that instance's lock.
 *
 * <p>Thread-safe. {@link #close()} is idempotent.
 */
final class DataDirClaim implements AutoCloseable {
  private static final Set<Path> CLAIMED = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private FileChannel channel;
  private FileLock lock;
  private boolean closed;

  private DataDirClaim(Path dir) {
    this.dir = dir;
  }

  /**
   * Claims {@code dir} for this JVM.
   *
   * @param dir an absolute, normalized directory path
   * @param what the server's name, for messages
   * @throws IllegalStateException if another instance in this JVM has claimed it
   */
  static DataDirClaim claim(Path dir, String what) {
    if (!CLAIMED.add(dir)) {
      throw new IllegalStateException(
          dir + " is already used by another running " + what + " in this JVM");
    }
    return new DataDirClaim(dir);
  }

  /**
   * Additionally takes an OS lock on {@code lockFile} (created if absent), held until {@link
   * #close()}.
   *
   * @throws IllegalStateException if another process holds the lock
   * @throws IOException if the file cannot be opened
   */
  synchronized void lockFile(Path lockFile, String what) throws IOException {
    FileChannel ch =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock acquired;
    try {
      acquired = ch.tryLock();
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (acquired == null) {
      ch.close();
      throw new IllegalStateException(
          dir
              + " is locked by another process ("
              + lockFile
              + "): is another "
              + what
              + " running on it?");
    }
    channel = ch;
    lock = acquired;
  }

  /**
   * Whether another process holds an OS lock on {@code lockFile}, probed without keeping a lock.
   * Only safe for directories this JVM has claimed (see the class comment). A missing file counts
   * as unlocked.
   */
  static boolean lockedByAnotherProcess(Path lockFile) throws IOException {
    if (!Files.exists(lockFile)) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        FileLock probe = ch.tryLock()) {
      return probe == null;
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (lock != null) {
        lock.release();
      }
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      // Closing the channel releases the lock in any case; nothing else to do.
    } finally {
      CLAIMED.remove(dir);
    }
  }
}
