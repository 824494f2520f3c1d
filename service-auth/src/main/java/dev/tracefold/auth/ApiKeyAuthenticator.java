package dev.tracefold.auth;

import dev.tracefold.auth.AuthOutcome.Failure;
import dev.tracefold.store.key.ApiKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates requests by the API key in their {@code Authorization: Bearer <key>} header (RFC
 * 6750), for every transport: {@link ApiKeyAuthService} calls it for the HTTP servers, and a
 * transport outside Armeria's decorators (e.g. an OTLP/gRPC interceptor) can call {@link
 * #authenticate} with the header's value.
 *
 * <p>Verifications are cached so that a request does not cost a database round trip: an answer
 * (project, or unknown key) is reused for {@code cacheTtl}, then asked again, so a revoked key
 * stops working within that time. The cache holds at most {@code maxCachedKeys} keys (least
 * recently used evicted), keyed by the SHA-256 of the key, not the key itself. Concurrent requests
 * with the same key share one lookup. When a lookup fails (PostgreSQL down), the last answer for
 * that key is used however old it is, so ingestion of known keys continues through a database
 * outage; a key never verified before is then answered 503.
 *
 * <p>Lookups run on {@code lookupExecutor} (they block on JDBC), never on the caller's thread. Time
 * comes from a monotonic nanosecond clock. Thread-safe.
 */
public final class ApiKeyAuthenticator {
  /** Looks a key up in the key store: blocking, may throw when the store is unavailable. */
  @FunctionalInterface
  public interface KeyLookup {
    /** The project of an active key, or empty when the key is unknown or revoked. */
    Optional<String> projectOf(String key);
  }

  /** Most keys cached by default. */
  public static final int DEFAULT_MAX_CACHED_KEYS = 10_000;

  /** The message of a request without an {@code Authorization} header. */
  static final String MISSING_MESSAGE =
      "missing API key: send the header \"Authorization: Bearer <key>\""
          + " (create a key with: tracefold keys create --project NAME)";

  /** The message of an {@code Authorization} header of another scheme. */
  static final String MALFORMED_MESSAGE =
      "the Authorization header must be \"Bearer <key>\" with an API key of Tracefold";

  /** The message when the key store cannot be asked. */
  static final String UNAVAILABLE_MESSAGE =
      "cannot verify the API key now: the key store is unavailable; retry later";

  private static final Logger log = LoggerFactory.getLogger(ApiKeyAuthenticator.class);
  private static final Pattern BEARER = Pattern.compile("\\s*(?i:bearer)\\s+(\\S+)\\s*");

  private final KeyLookup lookup;
  private final Executor lookupExecutor;
  private final long cacheTtlNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Entry> cache;

  /**
   * @param lookup the key store ({@code apiKeyStore::verify})
   * @param lookupExecutor runs the blocking lookups
   * @param cacheTtl how long an answer is reused; at least 1 ms
   * @param maxCachedKeys most keys remembered; at least 1
   * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime})
   * @throws IllegalArgumentException if {@code cacheTtl} or {@code maxCachedKeys} is out of range
   */
  public ApiKeyAuthenticator(
      KeyLookup lookup,
      Executor lookupExecutor,
      Duration cacheTtl,
      int maxCachedKeys,
      LongSupplier nanoTime) {
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    this.lookupExecutor = Objects.requireNonNull(lookupExecutor, "lookupExecutor");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    if (cacheTtl.toMillis() < 1) {
      throw new IllegalArgumentException("cacheTtl must be at least 1ms, was " + cacheTtl);
    }
    if (maxCachedKeys < 1) {
      throw new IllegalArgumentException("maxCachedKeys must be >= 1, was " + maxCachedKeys);
    }
    this.cacheTtlNanos = cacheTtl.toNanos();
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > maxCachedKeys;
          }
        };
  }

  /**
   * Authenticates a request by its {@code Authorization} header.
   *
   * @param authorization the header's value; null when absent
   * @return a future of the outcome; it does not fail: an unexpected lookup error becomes {@link
   *     Failure#UNAVAILABLE}
   */
  public CompletableFuture<AuthOutcome> authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return CompletableFuture.completedFuture(
          AuthOutcome.refused(Failure.MISSING, MISSING_MESSAGE));
    }
    Matcher bearer = BEARER.matcher(authorization);
    if (!bearer.matches()) {
      return CompletableFuture.completedFuture(
          AuthOutcome.refused(Failure.MALFORMED, MALFORMED_MESSAGE));
    }
    String key = bearer.group(1);
    if (!ApiKeys.isWellFormed(key)) {
      return CompletableFuture.completedFuture(
          AuthOutcome.refused(Failure.INVALID, invalidMessage(key)));
    }
    return projectOf(key)
        .handle(
            (project, error) -> {
              if (error != null) {
                return AuthOutcome.refused(Failure.UNAVAILABLE, UNAVAILABLE_MESSAGE);
              }
              return project
                  .map(AuthOutcome::authenticated)
                  .orElseGet(() -> AuthOutcome.refused(Failure.INVALID, invalidMessage(key)));
            });
  }

  /** The message of an unknown, revoked or malformed key; quotes at most the display prefix. */
  static String invalidMessage(String key) {
    String which =
        ApiKeys.isWellFormed(key) ? "API key " + ApiKeys.displayPrefix(key) + "..." : "the API key";
    return which
        + " is not valid: it is unknown or revoked (create a key with: tracefold keys create"
        + " --project NAME)";
  }

  private CompletableFuture<Optional<String>> projectOf(String key) {
    String cacheKey = digest(key);
    long now = nanoTime.getAsLong();
    CompletableFuture<Optional<String>> load = new CompletableFuture<>();
    Entry fresh = new Entry(now);
    synchronized (cache) {
      Entry cached = cache.get(cacheKey);
      if (cached != null
          && (!cached.answer.isDone() || now - cached.loadedAtNanos < cacheTtlNanos)) {
        return cached.answer;
      }
      Entry stale = cached;
      fresh.answer =
          load.handle((project, error) -> loaded(cacheKey, fresh, stale, project, error));
      cache.put(cacheKey, fresh);
    }
    try {
      lookupExecutor.execute(
          () -> {
            try {
              load.complete(lookup.projectOf(key));
            } catch (RuntimeException e) {
              load.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      load.completeExceptionally(e);
    }
    return fresh.answer;
  }

  private Optional<String> loaded(
      String cacheKey, Entry fresh, Entry stale, Optional<String> project, Throwable error) {
    if (error == null) {
      return project;
    }
    synchronized (cache) {
      // forget the failed lookup: the next request asks again
      if (cache.get(cacheKey) == fresh) {
        if (stale != null) {
          cache.put(cacheKey, stale);
        } else {
          cache.remove(cacheKey);
        }
      }
    }
    if (stale == null) {
      log.warn("Cannot verify an API key: the key store failed", error);
      throw new CompletionException(error);
    }
    Optional<String> previous = stale.answer.join();
    log.warn(
        "Cannot verify an API key: the key store failed ({}); using the answer of {} ms ago",
        error.toString(),
        (nanoTime.getAsLong() - stale.loadedAtNanos) / 1_000_000);
    return previous;
  }

  private static String digest(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * One cached answer. {@code answer} is set before the entry is published in the cache and only
   * read under the cache's lock or by the thread that created it.
   */
  private static final class Entry {
    final long loadedAtNanos;
    CompletableFuture<Optional<String>> answer;

    Entry(long loadedAtNanos) {
      this.loadedAtNanos = loadedAtNanos;
    }
  }
}
