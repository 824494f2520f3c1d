package dev.tracefold.completion;

/**
 * The completion clock of one stream task: the time, in the ingest-time domain (epoch ms of the
 * {@code tracefold.spans} record timestamps), up to which the task has seen every span, so that a
 * trace whose deadline is at or below it can be completed without splitting or merging anything.
 *
 * <ul>
 *   <li>While the task keeps processing records it is <b>input time</b>: the largest arrival time
 *       processed so far (a partition's LogAppendTime timestamps never go back, and every span of a
 *       trace is on one partition). A task that runs behind its input, restarts or was stopped for
 *       an hour therefore decides on the same timeline as in real time.
 *   <li>Once it processed no record for {@code idleAfter} (wall clock), it has caught up with its
 *       partition and the clock follows the wall clock, less {@code grace}: {@code max(input time,
 *       wall clock - grace)}. So a quiet partition still completes its last trace on time; {@code
 *       grace} covers a record appended just before a punctuation but not fetched yet and the skew
 *       between the brokers' and this host's clocks.
 * </ul>
 *
 * Before the first record after a (re)start the input time is unknown and the clock stands at
 * {@link Long#MIN_VALUE} until a record arrives or {@code idleAfter} has passed. Arrival times are
 * clamped to the wall clock, so a producer's clock running ahead (CreateTime topics) cannot move the
 * clock into the future. Not thread-safe: one per task, called from its stream thread.
 */
final class CompletionClock {
  private final long idleAfterMillis;
  private final long graceMillis;
  private long inputTimeMillis = Long.MIN_VALUE;
  private long lastInputWallMillis;

  /**
   * @param idleAfterMillis wall-clock milliseconds without a record after which the task counts as
   *     caught up
   * @param graceMillis milliseconds the clock stays behind the wall clock once caught up
   * @param startWallMillis wall clock when the task started (counts as its last input)
   */
  CompletionClock(long idleAfterMillis, long graceMillis, long startWallMillis) {
    this.idleAfterMillis = idleAfterMillis;
    this.graceMillis = graceMillis;
    this.lastInputWallMillis = startWallMillis;
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
    long arrival = recordTimestampMillis < 0 ? wallMillis : Math.min(recordTimestampMillis, wallMillis);
    inputTimeMillis = Math.max(inputTimeMillis, arrival);
    lastInputWallMillis = wallMillis;
    return arrival;
  }

  /**
   * The completion clock at wall-clock time {@code wallMillis}.
   *
   * @return epoch ms; {@link Long#MIN_VALUE} while nothing is known
   */
  long now(long wallMillis) {
    if (wallMillis - lastInputWallMillis >= idleAfterMillis) {
      return Math.max(inputTimeMillis, wallMillis - graceMillis);
    }
    return inputTimeMillis;
  }
}
