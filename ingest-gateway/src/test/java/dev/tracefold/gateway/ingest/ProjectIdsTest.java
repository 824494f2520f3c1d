package dev.tracefold.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProjectIdsTest {
  @Test
  void defaultsWithoutHeader() {
    assertThat(ProjectIds.resolve(null)).isEqualTo("default");
  }

  @Test
  void acceptsValidIds() {
    assertThat(ProjectIds.resolve("team-a_prod.v2")).isEqualTo("team-a_prod.v2");
    assertThat(ProjectIds.resolve("x".repeat(64))).hasSize(64);
  }

  @Test
  void refusesInvalidIdsNamingTheHeader() {
    assertThatThrownBy(() -> ProjectIds.resolve("a/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "header x-tracefold-project must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' or"
                + " '-', got 'a/b'");
    assertThatThrownBy(() -> ProjectIds.resolve("")).hasMessageContaining("x-tracefold-project");
    assertThatThrownBy(() -> ProjectIds.resolve("x".repeat(65)))
        .hasMessageContaining("x-tracefold-project");
  }
}
