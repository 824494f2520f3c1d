package dev.tracefold.store.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
  @Test
  void generatedKeysHaveThePrefixAnd32Base62Characters() {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String key = ApiKeys.generate();
      assertThat(key).matches("tf_[0-9A-Za-z]{32}");
      assertThat(ApiKeys.isWellFormed(key)).isTrue();
      keys.add(key);
    }
    assertThat(keys).hasSize(1000);
  }

  @Test
  void generatedKeysUseTheWholeAlphabet() {
    Set<Character> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      ApiKeys.generate().substring(3).chars().forEach(c -> seen.add((char) c));
    }
    assertThat(seen).hasSize(62);
  }

  @Test
  void displayPrefixIsTheFirstElevenCharacters() {
    assertThat(ApiKeys.displayPrefix("tf_4Qm9ZcV1bK7sXr2LpT8nWy3HdE6jUa0f"))
        .isEqualTo("tf_4Qm9ZcV1");
    assertThat(ApiKeys.displayPrefix("my-own-key-1234567")).isEqualTo("my-own-key-");
    assertThatThrownBy(() -> ApiKeys.displayPrefix("short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a well-formed API key");
  }

  @Test
  void wellFormedKeysAreBearerTokenCharactersOf16To256() {
    assertThat(ApiKeys.isWellFormed("a".repeat(16))).isTrue();
    assertThat(ApiKeys.isWellFormed("A-z0.9_~+/" + "x".repeat(246))).isTrue();
    assertThat(ApiKeys.isWellFormed("a".repeat(15))).isFalse();
    assertThat(ApiKeys.isWellFormed("a".repeat(257))).isFalse();
    assertThat(ApiKeys.isWellFormed("a".repeat(16) + "=")).isFalse();
    assertThat(ApiKeys.isWellFormed("a".repeat(16) + ",")).isFalse();
    assertThat(ApiKeys.isWellFormed("a".repeat(8) + " " + "a".repeat(8))).isFalse();
    assertThat(ApiKeys.isWellFormed(null)).isFalse();
  }

  @Test
  void checkWellFormedNamesTheSourceButNotTheKey() {
    assertThatThrownBy(() -> ApiKeys.checkWellFormed("secret=1", "TRACEFOLD_API_KEYS entry 2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "TRACEFOLD_API_KEYS entry 2: an API key must be 16 to 256 characters of A-Z, a-z, 0-9,"
                + " '.', '_', '~', '+', '/' or '-' (generate one with: tracefold keys create"
                + " --project NAME)");
  }

  @Test
  void hashIsSha256OfSaltThenKey() throws Exception {
    byte[] salt = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    sha256.update(salt);
    byte[] expected = sha256.digest("tf_key".getBytes(StandardCharsets.UTF_8));

    assertThat(ApiKeys.hash("tf_key", salt)).hasSize(32).isEqualTo(expected);
  }

  @Test
  void matchesOnlyTheSameKeyWithTheSameSalt() {
    String key = ApiKeys.generate();
    byte[] salt = ApiKeys.newSalt();
    byte[] hash = ApiKeys.hash(key, salt);

    assertThat(salt).hasSize(16);
    assertThat(ApiKeys.matches(key, salt, hash)).isTrue();
    assertThat(ApiKeys.matches(key + "x", salt, hash)).isFalse();
    assertThat(ApiKeys.matches(key, ApiKeys.newSalt(), hash)).isFalse();
    assertThat(ApiKeys.hash(key, ApiKeys.newSalt())).isNotEqualTo(hash);
  }
}
