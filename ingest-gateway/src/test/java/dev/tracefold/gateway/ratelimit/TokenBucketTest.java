package dev.tracefold.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void startsFullAndRefillsAtTheRateUpToTheCapacity() {
    TokenBucket bucket = new TokenBucket(10, 20, 0);
    assertThat(bucket.tokens()).isEqualTo(20);

    bucket.take(20);
    bucket.refill(SECOND / 2);
    assertThat(bucket.tokens()).isEqualTo(5);

    bucket.refill(100 * SECOND);
    assertThat(bucket.tokens()).isEqualTo(20);
  }

  @Test
  void saysHowLongUntilARequestIsAdmitted() {
    TokenBucket bucket = new TokenBucket(10, 20, 0);
    assertThat(bucket.nanosUntilAdmitted(20)).isZero();

    bucket.take(15);
    assertThat(bucket.nanosUntilAdmitted(5)).isZero();
    assertThat(bucket.nanosUntilAdmitted(6)).isEqualTo(SECOND / 10);
    assertThat(bucket.nanosUntilAdmitted(20)).isEqualTo(3 * SECOND / 2);
  }

  @Test
  void aRequestAboveTheCapacityWaitsForAFullBucketAndLeavesDebt() {
    TokenBucket bucket = new TokenBucket(10, 20, 0);
    assertThat(bucket.nanosUntilAdmitted(50)).isZero();

    bucket.take(50);
    assertThat(bucket.tokens()).isEqualTo(-30);
    assertThat(bucket.nanosUntilAdmitted(1)).isEqualTo(31 * SECOND / 10);
    bucket.refill(3 * SECOND);
    assertThat(bucket.tokens()).isEqualTo(0);
  }

  @Test
  void aClockGoingBackwardsAddsNothing() {
    TokenBucket bucket = new TokenBucket(10, 20, 5 * SECOND);
    bucket.take(20);
    bucket.refill(4 * SECOND);
    assertThat(bucket.tokens()).isZero();
  }

  @Test
  void rateAndCapacityMustBePositive() {
    assertThatThrownBy(() -> new TokenBucket(0, 1, 0))
        .hasMessage("rate and capacity must be positive, were 0.0 and 1.0");
    assertThatThrownBy(() -> new TokenBucket(1, 0, 0))
        .hasMessage("rate and capacity must be positive, were 1.0 and 0.0");
  }
}
