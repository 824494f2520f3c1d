package dev.tracefold.store.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProjectIdsTest {
  @Test
  void acceptsLettersDigitsDotsDashesUnderscoresUpTo64() {
    assertThat(ProjectIds.check("team-a_prod.v2")).isEqualTo("team-a_prod.v2");
    assertThat(ProjectIds.isValid("x".repeat(64))).isTrue();
    assertThat(ProjectIds.isValid("x".repeat(65))).isFalse();
    assertThat(ProjectIds.isValid("")).isFalse();
    assertThat(ProjectIds.isValid("a/b")).isFalse();
    assertThat(ProjectIds.isValid(null)).isFalse();
  }

  @Test
  void rejectionSaysWhatIsAllowed() {
    assertThatThrownBy(() -> ProjectIds.check("a/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a project id must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' or '-', got 'a/b'");
  }
}
