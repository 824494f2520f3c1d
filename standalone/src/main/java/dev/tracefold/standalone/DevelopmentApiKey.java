package dev.tracefold.standalone;

import dev.tracefold.store.key.ApiKeySource;
import dev.tracefold.store.key.ApiKeyStore;
import dev.tracefold.store.key.ProjectIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;

/**
 * The standalone pipeline's development API key, so that a first run works without any setup: on
 * start, when project {@value ProjectIds#DEFAULT} has no active key, a key is created for it
 * (source {@code development}) and written to {@code <data dir>/}{@value #FILE_NAME} (owner read
 * and write only, where the file system has POSIX permissions); every later start reads the key
 * back from that file and prints it again. When the project has keys but the file holds none of
 * them (keys made with {@code tracefold keys create}, or the development key was revoked), nothing
 * is created: the user chose their own keys.
 */
final class DevelopmentApiKey {
  /** The file in the data directory holding the key. */
  static final String FILE_NAME = "dev-api-key";

  /**
   * What start-up found or made.
   *
   * @param key the development key, when there is one
   * @param note how it came about, for the start-up lines
   */
  record Outcome(Optional<String> key, String note) {
    Outcome {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(note, "note");
    }
  }

  private DevelopmentApiKey() {}

  /**
   * Finds or creates the development key.
   *
   * @param keys the pipeline's key store
   * @param dataDir the standalone data directory (created if missing)
   * @throws UncheckedIOException if the key file cannot be read or written
   * @throws dev.tracefold.store.TraceStoreException if the database fails
   */
  static Outcome ensure(ApiKeyStore keys, Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    Optional<String> saved = read(file);
    if (saved.isPresent()
        && keys.verify(saved.get()).filter(ProjectIds.DEFAULT::equals).isPresent()) {
      return new Outcome(saved, "project " + ProjectIds.DEFAULT + ", from " + file);
    }
    if (keys.hasActiveKey(ProjectIds.DEFAULT)) {
      return new Outcome(
          Optional.empty(),
          "project "
              + ProjectIds.DEFAULT
              + " has API keys, none of them in "
              + file
              + "; use yours, or create one with: tracefold keys create --project "
              + ProjectIds.DEFAULT);
    }
    String key = keys.create(ProjectIds.DEFAULT, ApiKeySource.DEVELOPMENT).key();
    write(file, key);
    return new Outcome(
        Optional.of(key),
        "project " + ProjectIds.DEFAULT + ", new development key, saved in " + file);
  }

  private static Optional<String> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String key = Files.readString(file, StandardCharsets.UTF_8).strip();
      return key.isEmpty() ? Optional.empty() : Optional.of(key);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the development API key from " + file, e);
    }
  }

  /** Writes the key to a new owner-only file, then moves it in place. */
  private static void write(Path file, String key) {
    Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(temporary);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(
            temporary,
            PosixFilePermissions.asFileAttribute(
                EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
      } else {
        Files.createFile(temporary);
      }
      Files.writeString(temporary, key + System.lineSeparator(), StandardCharsets.UTF_8);
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the development API key to " + file, e);
    }
  }
}
