package dev.tracefold.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.auth.AuthOutcome.Failure;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ApiKeyAuthenticatorTest {
  private static final String KEY_A = "tf_AAAAAAAAbbbbbbbbccccccccdddddddd";
  private static final String KEY_B = "tf_BBBBBBBBbbbbbbbbccccccccdddddddd";
  private static final String KEY_C = "tf_CCCCCCCCbbbbbbbbccccccccdddddddd";
  private static final Duration TTL = Duration.ofSeconds(5);

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final Map<String, String> store = new HashMap<>();
  private final AtomicInteger lookups = new AtomicInteger();
  private final Queue<Runnable> pending = new ArrayDeque<>();
  private RuntimeException storeFailure;

  private final ApiKeyAuthenticator.KeyLookup lookup =
      key -> {
        lookups.incrementAndGet();
        if (storeFailure != null) {
          throw storeFailure;
        }
        return Optional.ofNullable(store.get(key));
      };

  private ApiKeyAuthenticator authenticator(Executor executor, int maxKeys) {
    return new ApiKeyAuthenticator(lookup, executor, TTL, maxKeys, clock::get);
  }

  private ApiKeyAuthenticator direct() {
    return authenticator(Runnable::run, 100);
  }

  private static AuthOutcome now(CompletableFuture<AuthOutcome> outcome) {
    assertThat(outcome).isDone();
    return outcome.join();
  }

  @Test
  void missingOrBlankHeaderIsRefusedWithoutALookup() {
    ApiKeyAuthenticator auth = direct();

    AuthOutcome missing = now(auth.authenticate(null));
    assertThat(missing.failure()).isEqualTo(Failure.MISSING);
    assertThat(missing.failure().httpStatus()).isEqualTo(401);
    assertThat(missing.message())
        .isEqualTo(
            "missing API key: send the header \"Authorization: Bearer <key>\" (create a key with:"
                + " tracefold keys create --project NAME)");
    assertThat(now(auth.authenticate("  ")).failure()).isEqualTo(Failure.MISSING);
    assertThat(lookups).hasValue(0);
  }

  @Test
  void otherSchemesAreMalformed() {
    AuthOutcome basic = now(direct().authenticate("Basic dXNlcjpwYXNz"));

    assertThat(basic.failure()).isEqualTo(Failure.MALFORMED);
    assertThat(basic.message())
        .isEqualTo(
            "the Authorization header must be \"Bearer <key>\" with an API key of Tracefold");
    assertThat(now(direct().authenticate(KEY_A)).failure()).isEqualTo(Failure.MALFORMED);
    assertThat(now(direct().authenticate("Bearer " + KEY_A + " extra")).failure())
        .isEqualTo(Failure.MALFORMED);
  }

  @Test
  void tokensThatAreNotKeysAreInvalidWithoutALookupAndNotQuoted() {
    AuthOutcome outcome = now(direct().authenticate("Bearer short"));

    assertThat(outcome.failure()).isEqualTo(Failure.INVALID);
    assertThat(outcome.message())
        .isEqualTo(
            "the API key is not valid: it is unknown or revoked (create a key with: tracefold keys"
                + " create --project NAME)");
    assertThat(lookups).hasValue(0);
  }

  @Test
  void knownKeyAuthenticatesItsProjectAndTheSchemeIsCaseInsensitive() {
    store.put(KEY_A, "team-a");
    ApiKeyAuthenticator auth = direct();

    assertThat(now(auth.authenticate("Bearer " + KEY_A)))
        .isEqualTo(AuthOutcome.authenticated("team-a"));
    assertThat(now(auth.authenticate(" bearer   " + KEY_A + " ")).projectId()).isEqualTo("team-a");
    assertThat(now(auth.authenticate("BEARER " + KEY_A)).projectId()).isEqualTo("team-a");
  }

  @Test
  void answersAreCachedForTheTtlThenAskedAgainSoRevocationTakesEffect() {
    store.put(KEY_A, "team-a");
    ApiKeyAuthenticator auth = direct();
    assertThat(now(auth.authenticate("Bearer " + KEY_A)).projectId()).isEqualTo("team-a");

    store.remove(KEY_A); // revoked
    clock.addAndGet(TTL.toNanos() - 1);
    assertThat(now(auth.authenticate("Bearer " + KEY_A)).projectId()).isEqualTo("team-a");
    assertThat(lookups).hasValue(1);

    clock.addAndGet(1);
    AuthOutcome revoked = now(auth.authenticate("Bearer " + KEY_A));
    assertThat(revoked.failure()).isEqualTo(Failure.INVALID);
    assertThat(revoked.message())
        .isEqualTo(
            "API key tf_AAAAAAAA... is not valid: it is unknown or revoked (create a key with:"
                + " tracefold keys create --project NAME)");
    assertThat(lookups).hasValue(2);
  }

  @Test
  void unknownKeysAreCachedToo() {
    ApiKeyAuthenticator auth = direct();
    for (int i = 0; i < 5; i++) {
      assertThat(now(auth.authenticate("Bearer " + KEY_B)).failure()).isEqualTo(Failure.INVALID);
    }
    assertThat(lookups).hasValue(1);
  }

  @Test
  void concurrentRequestsWithOneKeyShareOneLookupOffTheCallersThread() {
    store.put(KEY_A, "team-a");
    ApiKeyAuthenticator auth = authenticator(pending::add, 100);

    CompletableFuture<AuthOutcome> first = auth.authenticate("Bearer " + KEY_A);
    CompletableFuture<AuthOutcome> second = auth.authenticate("Bearer " + KEY_A);
    assertThat(first).isNotDone();
    assertThat(second).isNotDone();
    assertThat(pending).hasSize(1);

    pending.remove().run();
    assertThat(now(first).projectId()).isEqualTo("team-a");
    assertThat(now(second).projectId()).isEqualTo("team-a");
    assertThat(lookups).hasValue(1);
  }

  @Test
  void storeFailureWithoutAPreviousAnswerIsUnavailableAndRetriedNextTime() {
    store.put(KEY_A, "team-a");
    storeFailure = new IllegalStateException("PostgreSQL is down");
    ApiKeyAuthenticator auth = direct();

    AuthOutcome outcome = now(auth.authenticate("Bearer " + KEY_A));
    assertThat(outcome.failure()).isEqualTo(Failure.UNAVAILABLE);
    assertThat(outcome.failure().httpStatus()).isEqualTo(503);
    assertThat(outcome.message())
        .isEqualTo("cannot verify the API key now: the key store is unavailable; retry later");

    storeFailure = null;
    assertThat(now(auth.authenticate("Bearer " + KEY_A)).projectId()).isEqualTo("team-a");
    assertThat(lookups).hasValue(2);
  }

  @Test
  void storeFailureFallsBackToTheLastAnswerAndKeepsAsking() {
    store.put(KEY_A, "team-a");
    ApiKeyAuthenticator auth = direct();
    now(auth.authenticate("Bearer " + KEY_A));

    storeFailure = new IllegalStateException("PostgreSQL is down");
    clock.addAndGet(TTL.toNanos() * 100);
    assertThat(now(auth.authenticate("Bearer " + KEY_A)).projectId()).isEqualTo("team-a");
    assertThat(now(auth.authenticate("Bearer " + KEY_A)).projectId()).isEqualTo("team-a");
    assertThat(lookups).hasValue(3);

    storeFailure = null;
    store.remove(KEY_A);
    assertThat(now(auth.authenticate("Bearer " + KEY_A)).failure()).isEqualTo(Failure.INVALID);
  }

  @Test
  void leastRecentlyUsedKeysAreEvictedBeyondTheBound() {
    store.put(KEY_A, "a");
    store.put(KEY_B, "b");
    store.put(KEY_C, "c");
    ApiKeyAuthenticator auth = authenticator(Runnable::run, 2);

    now(auth.authenticate("Bearer " + KEY_A));
    now(auth.authenticate("Bearer " + KEY_B));
    now(auth.authenticate("Bearer " + KEY_A)); // A is now more recent than B
    now(auth.authenticate("Bearer " + KEY_C)); // evicts B
    assertThat(lookups).hasValue(3);

    now(auth.authenticate("Bearer " + KEY_A));
    assertThat(lookups).hasValue(3);
    now(auth.authenticate("Bearer " + KEY_B));
    assertThat(lookups).hasValue(4);
  }

  @Test
  void rejectedLookupIsUnavailable() {
    ApiKeyAuthenticator auth =
        authenticator(
            task -> {
              throw new java.util.concurrent.RejectedExecutionException("shutting down");
            },
            10);

    assertThat(now(auth.authenticate("Bearer " + KEY_A)).failure()).isEqualTo(Failure.UNAVAILABLE);
  }

  @Test
  void validatesItsSettings() {
    assertThatThrownBy(
            () -> new ApiKeyAuthenticator(lookup, Runnable::run, Duration.ZERO, 1, clock::get))
        .hasMessage("cacheTtl must be at least 1ms, was PT0S");
    assertThatThrownBy(() -> new ApiKeyAuthenticator(lookup, Runnable::run, TTL, 0, clock::get))
        .hasMessage("maxCachedKeys must be >= 1, was 0");
  }
}
