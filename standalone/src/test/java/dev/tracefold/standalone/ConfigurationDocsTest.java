package dev.tracefold.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.ops.ServiceModules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every environment variable a module reads (reference.conf overrides and logback configuration) is
 * documented in README.md, and vice versa.
 */
class ConfigurationDocsTest {
  private static final Pattern README_ROW =
      Pattern.compile("^\\| `(TRACEFOLD_[A-Z0-9_]+)` \\|", Pattern.MULTILINE);

  @Test
  void readmeListsExactlyTheVariablesTheServicesRead() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Set<String> read = ServiceModules.allVariables();
    Set<String> documented = new TreeSet<>();
    Matcher m = README_ROW.matcher(Files.readString(root.resolve("README.md")));
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertThat(read).as("variables read by reference.conf files").isNotEmpty();
    assertThat(documented).isEqualTo(read);
  }
}
