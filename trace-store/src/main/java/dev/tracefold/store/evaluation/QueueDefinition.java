package dev.tracefold.store.evaluation;

import java.util.Objects;

/**
 * What a user says of an annotation queue: everything but its identity and timestamps. Immutable.
 *
 * @param name a name for people; not blank
 * @param description optional free text; null when none
 * @param enabled a disabled queue takes no new items (its items stay)
 * @param selection which completed traces become items
 */
public record QueueDefinition(
    String name, String description, boolean enabled, TraceSelection selection) {
  public QueueDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(selection, "selection");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a queue name must not be blank");
    }
  }
}
