package dev.tracefold.completion;

/**
 * The completion clock of one stream task: the time, in the ingest-time domain (epoch ms of the
 * {@code tracefold.spans} record timestamps), up to which the task has seen every span, so that a
 * trace whose deadline is at or below it can be completed without splitting or merging anything.
 *
 * <ul>
 *   <li>It is at least the task's <b>input time</b>: the largest arrival time processed so far (a
 *       partition's LogAppendTime timestamps never go back, and every span of a trace is on one
 *       partition). A task that runs behind its input, restarts or was stopped for an hour
 *       therefore decides on the same timeline as in real time.
 *   <li>Once the task has processed everything its partition held at some wall-clock time T ({@link
 *       InputProgress}), it is at least {@code T - grace}: so a quiet partition still completes its
 *       last trace on time. {@code grace} covers the skew between the brokers' clocks (which stamp
 *       the records) and this host's.
 * </ul>
 *
 * Before the first record and the first progress sample after a (re)start the clock stands at
 * {@link Long#MIN_VALUE}. Arrival times are clamped to the wall clock, so a producer's clock
 * running ahead (CreateTime topics) cannot move the clock into the future. Not thread-safe: one per
 * task, called from its stream thread.
 */
final class CompletionClock {
  private final long graceMillis;
  private long inputTimeMillis = Long.MIN_VALUE;

  /**
   * @param graceMillis how far behind the caught-up time the clock stays
   */
  CompletionClock(long graceMillis) {
    this.graceMillis = graceMillis;
  }

  /**
   * Records one input record and returns its arrival time.
   *
   * @param recordTimestampMillis the record's timestamp (LogAppendTime: when Kafka accepted it);
   *     negative when unknown
   * @param wallMillis the wall clock now
   * @return the arrival time in epoch ms: the timestamp, at most {@code wallMillis}
   */
  long arrive(long recordTimestampMillis, long wallMillis) {
    long arrival =
        recordTimestampMillis < 0 ? wallMillis : Math.min(recordTimestampMillis, wallMillis);
    inputTimeMillis = Math.max(inputTimeMillis, arrival);
    return arrival;
  }

  /**
   * The completion clock.
   *
   * @param wallMillis the wall clock now
   * @param caughtUpAtMillis the latest wall-clock time at which the task had processed everything
   *     its partition held ({@link InputProgress#caughtUpAtMillis}); {@link Long#MIN_VALUE} if
   *     unknown
   * @return epoch ms; {@link Long#MIN_VALUE} while nothing is known
   */
  long now(long wallMillis, long caughtUpAtMillis) {
    if (caughtUpAtMillis == Long.MIN_VALUE) {
      return inputTimeMillis;
    }
    return Math.max(inputTimeMillis, Math.min(caughtUpAtMillis, wallMillis) - graceMillis);
  }
}
