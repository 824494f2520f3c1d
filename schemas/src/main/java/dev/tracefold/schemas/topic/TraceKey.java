package dev.tracefold.schemas.topic;

import java.util.Objects;

/**
 * The record key of every Tracefold topic: {@code projectId + "/" + traceId}. Project ids never
 * contain {@code '/'}, so the first slash separates the two parts. Immutable.
 *
 * @param projectId the project (tenant) id, without '/'
 * @param traceId 32 lowercase hex characters
 */
public record TraceKey(String projectId, String traceId) {
  public TraceKey {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(traceId, "traceId");
    if (projectId.isEmpty() || projectId.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          "projectId must be non-empty and contain no '/': " + projectId);
    }
  }

  /**
   * Parses a key written by {@link #toString()}.
   *
   * @throws IllegalArgumentException if the key has no '/' or an empty part
   */
  public static TraceKey parse(String key) {
    int slash = key.indexOf('/');
    if (slash <= 0 || slash == key.length() - 1) {
      throw new IllegalArgumentException("Not a projectId/traceId key: " + key);
    }
    return new TraceKey(key.substring(0, slash), key.substring(slash + 1));
  }

  /** Returns {@code projectId/traceId}. */
  @Override
  public String toString() {
    return projectId + "/" + traceId;
  }
}
