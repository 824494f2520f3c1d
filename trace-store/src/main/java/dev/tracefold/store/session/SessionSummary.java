package dev.tracefold.store.session;

import java.util.List;
import java.util.Objects;

/**
 * The totals of one session: the traces of a project that share a session id. Immutable.
 *
 * @param sessionId the session id
 * @param traceCount how many traces
 * @param firstStartEpochNanos earliest trace start, nanoseconds since the Unix epoch
 * @param lastStartEpochNanos latest trace start (the session's last activity)
 * @param lastEndEpochNanos latest trace end
 * @param totalDurationNanos the traces' durations added up
 * @param inputTokens input tokens of all traces
 * @param outputTokens output tokens of all traces
 * @param totalTokens input plus output tokens of all traces
 * @param costMicrocents cost of all traces (1 USD = 100,000,000 microcents); null when no trace has
 *     a cost
 * @param errorCount spans with status ERROR in all traces
 * @param errorTraceCount traces with status ERROR
 * @param userIds the distinct user ids of the traces, sorted
 */
public record SessionSummary(
    String sessionId,
    long traceCount,
    long firstStartEpochNanos,
    long lastStartEpochNanos,
    long lastEndEpochNanos,
    long totalDurationNanos,
    long inputTokens,
    long outputTokens,
    long totalTokens,
    Long costMicrocents,
    long errorCount,
    long errorTraceCount,
    List<String> userIds) {
  public SessionSummary {
    Objects.requireNonNull(sessionId, "sessionId");
    userIds = List.copyOf(userIds);
  }

  /** From the first trace's start to the last trace's end, nanoseconds. */
  public long durationNanos() {
    return lastEndEpochNanos - firstStartEpochNanos;
  }
}
