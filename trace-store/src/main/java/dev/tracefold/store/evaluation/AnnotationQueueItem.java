package dev.tracefold.store.evaluation;

import dev.tracefold.store.trace.StoredTrace;
import java.util.Objects;

/**
 * One trace in an annotation queue. Immutable.
 *
 * @param queueId the queue
 * @param trace the trace as stored now (without spans)
 * @param revision the trace revision that put it in the queue
 * @param status pending or done
 * @param addedEpochMillis when it was added, milliseconds since the Unix epoch
 * @param doneEpochMillis when it was marked done, milliseconds since the Unix epoch; null while
 *     pending
 * @param doneBy who marked it done (free text from the request); null while pending or when not
 *     given
 */
public record AnnotationQueueItem(
    String queueId,
    StoredTrace trace,
    int revision,
    QueueItemStatus status,
    long addedEpochMillis,
    Long doneEpochMillis,
    String doneBy) {
  public AnnotationQueueItem {
    Objects.requireNonNull(queueId, "queueId");
    Objects.requireNonNull(trace, "trace");
    Objects.requireNonNull(status, "status");
  }
}
