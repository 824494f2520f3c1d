package dev.tracefold.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Files of the repository the tests check ({@code deploy/}, {@code docker-compose.yml}, modules'
 * {@code reference.conf}), resolved from the module folder Surefire runs in. Stateless.
 */
final class RepositoryFiles {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern PROJECT_VERSION =
      Pattern.compile("<artifactId>tracefold</artifactId>\\s*<version>([^<]+)</version>");

  private RepositoryFiles() {}

  /** The repository root (the parent of this module's folder). */
  static Path root() {
    Path root = Path.of("..").toAbsolutePath().normalize();
    if (!Files.isRegularFile(root.resolve("pom.xml"))
        || !Files.isDirectory(root.resolve("deploy"))) {
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

  /** A file's text. */
  static String text(String relative) {
    try {
      return Files.readString(file(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True if some file under {@code folder} (recursively) contains {@code text}. */
  static boolean anyFileContains(String folder, String text) {
    try (Stream<Path> files = Files.walk(root().resolve(folder))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (Files.readString(file).contains(text)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The project version of the root pom, e.g. {@code 0.1.0-SNAPSHOT}. */
  static String projectVersion() {
    Matcher version = PROJECT_VERSION.matcher(text("pom.xml"));
    if (!version.find()) {
      throw new IllegalStateException("No project version in the root pom.xml");
    }
    return version.group(1);
  }

  /** Parses one YAML document. */
  static JsonNode yaml(String relative) {
    return read(YAML, file(relative));
  }

  /**
   * Parses every document of a multi-document YAML file ({@code ---} separated), empty ones
   * skipped.
   */
  static List<JsonNode> yamlDocuments(String relative) {
    Path file = file(relative);
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> iterator =
        YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (iterator.hasNext()) {
        JsonNode document = iterator.next();
        if (document != null && !document.isNull() && !document.isEmpty()) {
          documents.add(document);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot parse " + file + ": " + e.getMessage(), e);
    }
    return documents;
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
