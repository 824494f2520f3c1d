package dev.tracefold.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.gateway.ingest.cost.ModelPriceTable;
import dev.tracefold.gateway.ingest.semconv.Convention;
import dev.tracefold.gateway.ingest.semconv.KindRule;
import dev.tracefold.gateway.ingest.semconv.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ingest-gateway/README.md documents every row of the mapping table and the price table's version.
 */
class AttributeMappingDocsTest {
  private static String readme() throws IOException {
    return Files.readString(Path.of("README.md"));
  }

  @Test
  void everySourceAndKindAttributeIsDocumented() throws IOException {
    String readme = readme();
    List<String> missing = new ArrayList<>();
    for (Convention convention : AttributeMapping.CONVENTIONS) {
      for (Source<?> source : convention.sources()) {
        if (!readme.contains("`" + source.key() + "`")) {
          missing.add(convention.name() + ": " + source.key());
        }
      }
      List<KindRule> rules = new ArrayList<>(convention.kindRules());
      rules.addAll(convention.inferredKindRules());
      for (KindRule rule : rules) {
        if (!readme.contains("`" + rule.key() + "`")) {
          missing.add(convention.name() + " kind: " + rule.key());
        }
      }
    }
    assertThat(missing).as("keys missing from ingest-gateway/README.md").isEmpty();
  }

  @Test
  void thePriceTableVersionIsDocumented() throws IOException {
    assertThat(readme().replaceAll("\\s+", " "))
        .contains("version **" + ModelPriceTable.bundled().version() + "**");
  }
}
