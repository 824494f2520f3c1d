package dev.tracefold.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProjectRateLimiterTest {
  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong clock = new AtomicLong(42 * SECOND);

  private ProjectRateLimiter limiter(RateLimit defaults, Map<String, RateLimit> projects) {
    return new ProjectRateLimiter(
        new RateLimitSettings(defaults, Duration.ofSeconds(2), projects), clock::get);
  }

  @Test
  void admitsUpToTheBurstThenRefusesWithTheWaitForTheScarcerResource() {
    ProjectRateLimiter limiter = limiter(new RateLimit(100, 1000), Map.of());

    assertThat(limiter.tryAcquire("p", 150, 1000)).isEmpty();
    // spans: 50 left, bytes: 1000 left
    assertThat(limiter.tryAcquire("p", 60, 100)).hasValue(Duration.ofMillis(100));
    assertThat(limiter.tryAcquire("p", 10, 1500)).hasValue(Duration.ofMillis(500));
    // refused requests took nothing
    assertThat(limiter.tryAcquire("p", 50, 1000)).isEmpty();
    assertThat(limiter.tryAcquire("p", 1, 0)).hasValue(Duration.ofMillis(10));

    clock.addAndGet(SECOND / 100);
    assertThat(limiter.tryAcquire("p", 1, 0)).isEmpty();
  }

  @Test
  void sustainedRateIsTheConfiguredOne() {
    ProjectRateLimiter limiter = limiter(new RateLimit(100, 0), Map.of());
    assertThat(limiter.tryAcquire("p", 200, 0)).isEmpty();

    int admitted = 0;
    for (int tick = 0; tick < 1000; tick++) {
      clock.addAndGet(SECOND / 100);
      if (limiter.tryAcquire("p", 1, 0).isEmpty()) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(1000);
    assertThat(limiter.tryAcquire("p", 1, 0)).hasValue(Duration.ofMillis(10));
  }

  @Test
  void projectsHaveTheirOwnBucketsAndOverrides() {
    ProjectRateLimiter limiter =
        limiter(new RateLimit(10, 0), Map.of("big", new RateLimit(1000, 0)));

    assertThat(limiter.tryAcquire("a", 20, 0)).isEmpty();
    assertThat(limiter.tryAcquire("a", 1, 0)).isPresent();
    assertThat(limiter.tryAcquire("b", 20, 0)).isEmpty();
    assertThat(limiter.tryAcquire("big", 2000, 0)).isEmpty();
    assertThat(limiter.tryAcquire("big", 1, 0)).hasValue(Duration.ofMillis(1));
  }

  @Test
  void oversizedRequestIsAdmittedOnAFullBucketAndRepaidBeforeTheNext() {
    ProjectRateLimiter limiter = limiter(new RateLimit(0, 1000), Map.of());

    assertThat(limiter.tryAcquire("p", 0, 5000)).isEmpty();
    assertThat(limiter.tryAcquire("p", 0, 1)).hasValue(Duration.ofMillis(3001));
    clock.addAndGet(3001 * SECOND / 1000);
    assertThat(limiter.tryAcquire("p", 0, 1)).isEmpty();
  }

  @Test
  void zeroMeansUnlimited() {
    ProjectRateLimiter limiter = limiter(RateLimit.UNLIMITED, Map.of());
    assertThat(limiter.tryAcquire("p", Long.MAX_VALUE, Long.MAX_VALUE)).isEmpty();
    assertThat(limiter.tryAcquire("p", Long.MAX_VALUE, Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void acquireThrowsWithLimitsAndRetryAfterRoundedUp() {
    ProjectRateLimiter limiter = limiter(new RateLimit(100, 1048576), Map.of());
    limiter.acquire("team-a", 200, 0);

    assertThatThrownBy(() -> limiter.acquire("team-a", 150, 10))
        .isInstanceOfSatisfying(
            RateLimitedException.class,
            e -> {
              assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(1500));
              assertThat(e.retryAfterSeconds()).isEqualTo(2);
            })
        .hasMessage(
            "project 'team-a' is over its rate limit of 100 spans/s and 1048576 bytes/s"
                + " (burst 2s); retry after 2 s");
  }

  @Test
  void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
    assertThat(ProjectRateLimiter.retryAfterSeconds(Duration.ofNanos(1))).isEqualTo(1);
    assertThat(ProjectRateLimiter.retryAfterSeconds(Duration.ofSeconds(3))).isEqualTo(3);
    assertThat(ProjectRateLimiter.retryAfterSeconds(Duration.ofMillis(3001))).isEqualTo(4);
    assertThat(ProjectRateLimiter.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
  }

  @Test
  void negativeCountsAreRefused() {
    ProjectRateLimiter limiter = limiter(new RateLimit(1, 1), Map.of());
    assertThatThrownBy(() -> limiter.tryAcquire("p", -1, 0))
        .hasMessage("spans and bytes must be >= 0, were -1 and 0");
  }
}
