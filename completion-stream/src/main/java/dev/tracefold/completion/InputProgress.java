package dev.tracefold.completion;

/**
 * What a stream task knows about its input partition of {@code tracefold.spans} beyond the records
 * it processed: how far the partition had grown, and when. The {@link CompletionClock} follows the
 * wall clock only up to the last moment the task had processed everything the partition held, so a
 * task that runs behind its input keeps deciding on the ingest time of what it processed.
 * Implementations are thread-safe: every task of a process asks the same one.
 */
public interface InputProgress {
  /**
   * For a driver that hands every record to the topology as soon as it exists (Kafka Streams'
   * {@code TopologyTestDriver}): a task is always caught up.
   */
  InputProgress SYNCHRONOUS = (partition, position) -> Long.MAX_VALUE;

  /**
   * The latest wall-clock time (epoch ms) at which the partition held no record at or beyond {@code
   * position}: every record appended to it before that time has been processed.
   *
   * @param partition the partition of {@code tracefold.spans}
   * @param position the offset after the last record the task processed, or -1 if it processed none
   *     since it started (the application's committed offset is used then)
   * @return epoch ms; {@link Long#MIN_VALUE} when unknown; {@link Long#MAX_VALUE} for "now"
   */
  long caughtUpAtMillis(int partition, long position);
}
