package dev.tracefold.store.evaluation;

import java.util.Objects;

/**
 * An evaluation rule of a project, as stored. Immutable.
 *
 * @param projectId the project whose completed traces it sees
 * @param id the rule's id (a UUID; never contains '/')
 * @param definition name, enabled flag, selection, turn and delay
 * @param createdEpochMillis when it was created, milliseconds since the Unix epoch
 * @param updatedEpochMillis when it was last changed, milliseconds since the Unix epoch
 */
public record EvaluationRule(
    String projectId,
    String id,
    RuleDefinition definition,
    long createdEpochMillis,
    long updatedEpochMillis) {
  public EvaluationRule {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(definition, "definition");
  }
}
