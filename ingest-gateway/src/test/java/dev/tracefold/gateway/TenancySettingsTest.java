package dev.tracefold.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.tracefold.gateway.ratelimit.RateLimitSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenancySettingsTest {
  private static final String KEY_A = "tf_AAAAAAAAbbbbbbbbccccccccdddddddd";
  private static final String KEY_B = "my-own-random-key-0123456789";

  @Test
  void readsDefaultsFromReferenceConf() {
    TenancySettings settings = TenancySettings.from(ConfigFactory.defaultReference());

    assertThat(settings).isEqualTo(TenancySettings.defaults());
    assertThat(settings.apiKeys()).isEmpty();
    assertThat(settings.apiKeyCacheTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.rateLimit()).isEqualTo(RateLimitSettings.defaults());
  }

  @Test
  void readsKeysAndCacheTime() {
    TenancySettings settings =
        TenancySettings.from(
            ConfigFactory.parseMap(
                    Map.of(
                        "tracefold.gateway.api-keys",
                        " " + KEY_A + "=team-a , " + KEY_B + "=b.prod",
                        "tracefold.gateway.api-key-cache-ttl",
                        "250ms"))
                .withFallback(ConfigFactory.defaultReference()));

    assertThat(settings.apiKeys())
        .containsExactly(Map.entry(KEY_A, "team-a"), Map.entry(KEY_B, "b.prod"));
    assertThat(settings.apiKeyCacheTtl()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void toStringShowsPrefixesOnly() {
    String text = TenancySettings.defaults().withApiKeys(Map.of(KEY_A, "team-a")).toString();

    assertThat(text).contains("tf_AAAAAAAA...=team-a").doesNotContain(KEY_A);
  }

  @Test
  void malformedEntriesAreNamedWithoutQuotingKeys() {
    assertThatThrownBy(() -> TenancySettings.parseApiKeys(KEY_A + "=a," + KEY_B))
        .hasMessage(
            "tracefold.gateway.api-keys (TRACEFOLD_API_KEYS) entry 2 must be KEY=PROJECT, e.g."
                + " tf_...=my-project (entries are separated by ',')")
        .hasMessageNotContaining(KEY_B);
    assertThatThrownBy(() -> TenancySettings.parseApiKeys(KEY_A + "=a,,"))
        .hasMessageStartingWith("tracefold.gateway.api-keys (TRACEFOLD_API_KEYS) entry 2 must be");
    assertThatThrownBy(() -> TenancySettings.parseApiKeys("secret=a"))
        .hasMessage(
            "tracefold.gateway.api-keys (TRACEFOLD_API_KEYS) entry 1: an API key must be 16 to 256"
                + " characters of A-Z, a-z, 0-9, '.', '_', '~', '+', '/' or '-' (generate one with:"
                + " tracefold keys create --project NAME)");
    assertThatThrownBy(() -> TenancySettings.parseApiKeys(KEY_A + "=a/b"))
        .hasMessage(
            "tracefold.gateway.api-keys (TRACEFOLD_API_KEYS) entry 1: a project id must be 1 to 64"
                + " characters of A-Z, a-z, 0-9, '_', '.' or '-', got 'a/b'");
    assertThatThrownBy(() -> TenancySettings.parseApiKeys(KEY_A + "=a," + KEY_A + "=b"))
        .hasMessage(
            "tracefold.gateway.api-keys (TRACEFOLD_API_KEYS) entry 2: key tf_AAAAAAAA... is listed"
                + " twice");
  }

  @Test
  void emptyTextIsNoKeys() {
    assertThat(TenancySettings.parseApiKeys("")).isEmpty();
    assertThat(TenancySettings.parseApiKeys("  ")).isEmpty();
  }

  @Test
  void cacheTimeMustBePositive() {
    assertThatThrownBy(() -> TenancySettings.defaults().withApiKeyCacheTtl(Duration.ZERO))
        .hasMessage("tracefold.gateway.api-key-cache-ttl must be at least 1ms, was PT0S");
  }
}
