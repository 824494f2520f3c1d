package dev.tracefold.gateway.ratelimit;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-project ingest rate limits: two token buckets per project, one counting spans and one
 * counting request bytes (after decompression), each refilled at the project's {@link RateLimit}
 * and holding at most rate × {@linkplain RateLimitSettings#burst() burst}. A request is admitted
 * only when both buckets admit it, and then takes from both; a refused request takes nothing. A
 * request larger than a bucket's capacity is admitted when that bucket is full (so no request is
 * refused forever) and leaves it in debt.
 *
 * <p>The gateway's {@code IngestPipeline} calls {@link #acquire} once per request of every
 * transport, after decoding and before producing; it throws a {@link RateLimitedException} with the
 * message to send (429 / {@code RESOURCE_EXHAUSTED} with {@code Retry-After}). {@link #tryAcquire}
 * answers the wait instead of throwing.
 *
 * <p>Buckets are created on a project's first request and kept while the limiter lives (one pair
 * per project: the projects are the authenticated ones, so bounded by the stored projects). Time
 * comes from a monotonic nanosecond clock ({@link System#nanoTime()} unless injected). Thread-safe;
 * requests of one project serialise on that project's buckets only.
 */
public final class ProjectRateLimiter {
  private final RateLimitSettings settings;
  private final LongSupplier nanoTime;
  private final Map<String, Buckets> byProject = new ConcurrentHashMap<>();

  /** A limiter on the system's monotonic clock. */
  public ProjectRateLimiter(RateLimitSettings settings) {
    this(settings, System::nanoTime);
  }

  /**
   * @param settings the limits
   * @param nanoTime a monotonic clock in nanoseconds (tests pass a hand-advanced one)
   */
  public ProjectRateLimiter(RateLimitSettings settings, LongSupplier nanoTime) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /**
   * Admits a request of {@code spans} spans and {@code bytes} bytes for a project, or says how long
   * until it would be admitted.
   *
   * @param projectId the authenticated project
   * @param spans spans in the request (valid and invalid); >= 0
   * @param bytes request body bytes after decompression; >= 0
   * @return empty if admitted (the tokens are taken); else the wait until this same request would
   *     be admitted, at least 1 ns (nothing is taken)
   * @throws IllegalArgumentException if spans or bytes is negative
   */
  public Optional<Duration> tryAcquire(String projectId, long spans, long bytes) {
    Objects.requireNonNull(projectId, "projectId");
    if (spans < 0 || bytes < 0) {
      throw new IllegalArgumentException(
          "spans and bytes must be >= 0, were " + spans + " and " + bytes);
    }
    RateLimit limit = settings.limitOf(projectId);
    if (limit.spansPerSecond() == 0 && limit.bytesPerSecond() == 0) {
      return Optional.empty();
    }
    Buckets buckets =
        byProject.computeIfAbsent(projectId, id -> new Buckets(limit, settings.burst(), now()));
    return buckets.tryAcquire(spans, bytes, now());
  }

  /**
   * Like {@link #tryAcquire}, but throws when the request is not admitted.
   *
   * @throws RateLimitedException with a message such as {@code project 'p' is over its rate limit
   *     of 1000 spans/s and 1048576 bytes/s (burst 2s); retry after 3 s}
   */
  public void acquire(String projectId, long spans, long bytes) {
    Optional<Duration> wait = tryAcquire(projectId, spans, bytes);
    if (wait.isPresent()) {
      throw new RateLimitedException(
          "project '"
              + projectId
              + "' is over its rate limit of "
              + settings.limitOf(projectId).describe()
              + " (burst "
              + describe(settings.burst())
              + "); retry after "
              + retryAfterSeconds(wait.get())
              + " s",
          wait.get());
    }
  }

  /** The settings this limiter applies. */
  public RateLimitSettings settings() {
    return settings;
  }

  /** A wait in whole seconds, rounded up, at least 1: what {@code Retry-After} carries. */
  static long retryAfterSeconds(Duration wait) {
    long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }

  private static String describe(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  private long now() {
    return nanoTime.getAsLong();
  }

  /** The two buckets of one project; null where that dimension is unlimited. */
  private static final class Buckets {
    private final TokenBucket spans;
    private final TokenBucket bytes;

    Buckets(RateLimit limit, Duration burst, long nowNanos) {
      double burstSeconds = burst.toNanos() / 1e9;
      this.spans = bucket(limit.spansPerSecond(), burstSeconds, nowNanos);
      this.bytes = bucket(limit.bytesPerSecond(), burstSeconds, nowNanos);
    }

    private static TokenBucket bucket(long perSecond, double burstSeconds, long nowNanos) {
      return perSecond == 0
          ? null
          : new TokenBucket(perSecond, Math.max(1, perSecond * burstSeconds), nowNanos);
    }

    synchronized Optional<Duration> tryAcquire(long spanCount, long byteCount, long nowNanos) {
      long waitNanos = 0;
      if (spans != null) {
        spans.refill(nowNanos);
        waitNanos = Math.max(waitNanos, spans.nanosUntilAdmitted(spanCount));
      }
      if (bytes != null) {
        bytes.refill(nowNanos);
        waitNanos = Math.max(waitNanos, bytes.nanosUntilAdmitted(byteCount));
      }
      if (waitNanos > 0) {
        return Optional.of(Duration.ofNanos(waitNanos));
      }
      if (spans != null) {
        spans.take(spanCount);
      }
      if (bytes != null) {
        bytes.take(byteCount);
      }
      return Optional.empty();
    }
  }
}
