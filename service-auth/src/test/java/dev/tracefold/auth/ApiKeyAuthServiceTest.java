package dev.tracefold.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.auth.AuthOutcome.Failure;
import org.junit.jupiter.api.Test;

class ApiKeyAuthServiceTest {
  @Test
  void challengeFollowsRfc6750() {
    assertThat(ApiKeyAuthService.challenge(Failure.MISSING))
        .isEqualTo("Bearer realm=\"tracefold\"");
    assertThat(ApiKeyAuthService.challenge(Failure.INVALID))
        .isEqualTo("Bearer realm=\"tracefold\", error=\"invalid_token\"");
  }

  @Test
  void grpcMessagesArePercentEncoded() {
    assertThat(ApiKeyAuthService.percentEncode("plain \"text\" <key>"))
        .isEqualTo("plain \"text\" <key>");
    assertThat(ApiKeyAuthService.percentEncode("100% sure\né")).isEqualTo("100%25 sure%0A%C3%A9");
  }

  @Test
  void healthAndMetricsAreTheOnlyOpenPaths() {
    assertThat(ApiKeyAuthService.OPEN_PATHS).containsExactlyInAnyOrder("/health", "/metrics");
  }
}
