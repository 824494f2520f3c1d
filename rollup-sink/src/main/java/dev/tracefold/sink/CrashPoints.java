package dev.tracefold.sink;

/**
 * Where in a worker's cycle the sink's tests make a worker fail as a crash there would: the test's
 * hook throws an {@link Error}, which stops the worker without any clean-up of the cycle (no
 * transaction abort, no rewind). Given to {@link RollupSink} when it starts; in production {@link
 * #NONE}.
 */
@FunctionalInterface
interface CrashPoints {
  /** The points. */
  enum Point {
    /**
     * The completed-trace writer stored a batch (revisions, fired triggers, queue items) but has
     * not begun its Kafka transaction.
     */
    COMPLETED_AFTER_DATABASE_COMMIT,
    /** It sent the batch's triggers and offsets in a Kafka transaction it has not committed. */
    COMPLETED_BEFORE_KAFKA_COMMIT,
    /**
     * The turn-last scheduler claimed due triggers and recorded them as fired, but has not begun
     * its Kafka transaction.
     */
    LAST_TURN_AFTER_CLAIM,
    /** It committed the Kafka transaction (triggers and marker) but has not advanced its marker. */
    LAST_TURN_AFTER_KAFKA_COMMIT
  }

  /** The production hook: does nothing. */
  CrashPoints NONE = point -> {};

  /** Called when the worker reaches {@code point}. */
  void reached(Point point);
}
