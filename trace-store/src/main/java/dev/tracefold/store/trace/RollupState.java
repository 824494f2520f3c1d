package dev.tracefold.store.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Comparator;

/**
 * What merging more spans into a stored rollup needs beyond the rollup's own fields; stored as JSON
 * in {@code traces.rollup_state}. Immutable and thread-safe.
 *
 * @param firstTokenEpochNanos earliest first-token time of any LLM span reporting one (start + time
 *     to first token), nanoseconds since the Unix epoch; null when none reports one
 * @param rootStartEpochNanos start of the rollup's root span, nanoseconds since the Unix epoch
 * @param rootParentless whether the root span has no parent; when false the root is an orphan (or
 *     the first span of a cycle) and may change with any new span, so it is found again among the
 *     stored spans
 * @param rootSessionId the root span's own session id (the rollup's falls back to {@code
 *     firstSession})
 * @param rootUserId the root span's own user id (the rollup's falls back to {@code firstUser})
 * @param firstSession the earliest span (start order) carrying a session id; null when none does
 * @param firstUser the earliest span (start order) carrying a user id; null when none does
 */
record RollupState(
    Long firstTokenEpochNanos,
    long rootStartEpochNanos,
    boolean rootParentless,
    String rootSessionId,
    String rootUserId,
    Earliest firstSession,
    Earliest firstUser) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A value of the earliest span (start order) that carries it.
   *
   * @param startEpochNanos the span's start, nanoseconds since the Unix epoch
   * @param spanId the span's id (tie breaker, as in start order)
   * @param value the value
   */
  record Earliest(long startEpochNanos, String spanId, String value) {
    static final Comparator<Earliest> ORDER =
        Comparator.comparingLong(Earliest::startEpochNanos).thenComparing(Earliest::spanId);

    /** The earlier of two (either may be null); null when both are. */
    static Earliest min(Earliest a, Earliest b) {
      if (a == null) {
        return b;
      }
      if (b == null) {
        return a;
      }
      return ORDER.compare(a, b) <= 0 ? a : b;
    }
  }

  /** JSON object text of this state. */
  String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write a rollup state as JSON", e);
    }
  }

  /**
   * Reads a state written by {@link #toJson()}.
   *
   * @param json the column's text; null for rows stored before the column existed
   * @return the state, or null when {@code json} is null
   */
  static RollupState fromJson(String json) {
    if (json == null) {
      return null;
    }
    try {
      return JSON.readValue(json, RollupState.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Stored rollup state is not readable: " + json, e);
    }
  }
}
