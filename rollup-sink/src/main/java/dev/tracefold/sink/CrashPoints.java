package dev.tracefold.sink;

/**
 * Named points in a worker's cycle where the sink's tests make a worker fail as a crash there
 * would: the test's hook throws an {@link Error}, which stops the worker without any clean-up of
 * the cycle (no transaction abort, no rewind). In production the hook is {@link #NONE}.
 *
 * <ul>
 *   <li>{@code completed.after-database-commit}: the completed-trace writer stored a batch
 *       (revisions, fired triggers, queue items) but has not begun its Kafka transaction;
 *   <li>{@code completed.before-kafka-commit}: it sent the batch's triggers and offsets in a Kafka
 *       transaction that it has not committed;
 *   <li>{@code last-turn.after-claim}: the turn-last scheduler claimed due triggers and recorded
 *       them as fired, but has not begun its Kafka transaction;
 *   <li>{@code last-turn.after-kafka-commit}: it committed the Kafka transaction (triggers and
 *       marker) but has not advanced its marker in memory.
 * </ul>
 */
@FunctionalInterface
interface CrashPoints {
  /** The production hook: does nothing. */
  CrashPoints NONE = point -> {};

  /** Called when the worker reaches {@code point}. */
  void reached(String point);
}
