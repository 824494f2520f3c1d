package dev.tracefold.store.evaluation;

import java.util.Objects;

/**
 * An annotation queue of a project, as stored. Immutable.
 *
 * @param projectId the project whose completed traces it takes
 * @param id the queue's id (a UUID)
 * @param definition name, description, enabled flag and selection
 * @param pendingCount items not done yet
 * @param doneCount items marked done
 * @param createdEpochMillis when it was created, milliseconds since the Unix epoch
 * @param updatedEpochMillis when it was last changed, milliseconds since the Unix epoch
 */
public record AnnotationQueue(
    String projectId,
    String id,
    QueueDefinition definition,
    long pendingCount,
    long doneCount,
    long createdEpochMillis,
    long updatedEpochMillis) {
  public AnnotationQueue {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(definition, "definition");
  }
}
