package dev.tracefold.store.set;

import java.util.Objects;

/**
 * A named, frozen list of a project's trace ids: the unit an evaluation runs over. Immutable.
 *
 * @param id the set's id (a UUID)
 * @param name a name for people
 * @param description optional free text; null when none
 * @param filterParams JSON object of the list parameters the traces were selected with (e.g. {@code
 *     {"status":["ERROR"]}}), or null when the set was given as ids
 * @param traceCount how many trace ids the set holds
 * @param createdEpochMillis when it was created, milliseconds since the Unix epoch
 */
public record TraceSet(
    String id,
    String name,
    String description,
    String filterParams,
    int traceCount,
    long createdEpochMillis) {
  public TraceSet {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
  }
}
