package dev.tracefold.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of the repository the tests check ({@code deploy/}, {@code docker-compose.yml}, modules'
 * {@code reference.conf}), resolved from the module folder Surefire runs in. Stateless.
 */
final class RepositoryFiles {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private RepositoryFiles() {}

  /** The repository root (the parent of this module's folder). */
  static Path root() {
    Path root = Path.of("..").toAbsolutePath().normalize();
    if (!Files.isRegularFile(root.resolve("pom.xml")) || !Files.isDirectory(root.resolve("deploy"))) {
      throw new IllegalStateException("Not the repository root (no pom.xml and deploy/): " + root);
    }
    return root;
  }

  /** A file under the root, e.g. {@code deploy/prometheus/alerts.yml}; it must exist. */
  static Path file(String relative) {
    Path file = root().resolve(relative);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("Missing file " + file);
    }
    return file;
  }

  /** Parses one YAML document. */
  static JsonNode yaml(String relative) {
    return read(YAML, file(relative));
  }

  /** Parses a JSON file. */
  static JsonNode json(String relative) {
    return read(JSON, file(relative));
  }

  private static JsonNode read(ObjectMapper mapper, Path file) {
    try {
      return mapper.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot parse " + file + ": " + e.getMessage(), e);
    }
  }
}
