package dev.tracefold.store.key;

import java.time.Instant;
import java.util.Objects;

/**
 * What is stored about an API key, without the key itself. Immutable.
 *
 * @param id the key's id (positive, assigned by the database), used to revoke it
 * @param projectId the one project the key authenticates
 * @param prefix the key's first characters ({@link ApiKeys#displayPrefix}), e.g. {@code
 *     tf_4Qm9ZcV1}
 * @param source where the key came from
 * @param createdAt when the key was stored
 * @param revokedAt when the key was revoked; null while it is active
 */
public record ApiKeyInfo(
    long id,
    String projectId,
    String prefix,
    ApiKeySource source,
    Instant createdAt,
    Instant revokedAt) {
  public ApiKeyInfo {
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** True while the key is not revoked. */
  public boolean active() {
    return revokedAt == null;
  }
}
