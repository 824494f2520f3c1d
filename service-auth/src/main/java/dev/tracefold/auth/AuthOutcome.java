package dev.tracefold.auth;

import java.util.Objects;

/**
 * The result of authenticating one request: the project its key belongs to, or why it was refused.
 * Immutable.
 *
 * @param projectId the authenticated project; null when refused
 * @param failure why the request was refused; null when authenticated
 * @param message what the client is told when refused (never quotes more of a key than its display
 *     prefix); null when authenticated
 */
public record AuthOutcome(String projectId, Failure failure, String message) {
  /** Why a request was refused, with the HTTP status it is answered with. */
  public enum Failure {
    /** No {@code Authorization} header: 401. */
    MISSING(401),
    /** An {@code Authorization} header that is not {@code Bearer <key>}: 401. */
    MALFORMED(401),
    /** A key that is unknown, revoked or not shaped like a key: 401. */
    INVALID(401),
    /** The key store could not be asked and the key was never verified before: 503. */
    UNAVAILABLE(503);

    private final int httpStatus;

    Failure(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    /** The HTTP status of the answer. */
    public int httpStatus() {
      return httpStatus;
    }

    /**
     * Lower-case name: the {@code reason} label of {@code tracefold_gateway_auth_failures_total}.
     */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public AuthOutcome {
    if ((projectId == null) == (failure == null)) {
      throw new IllegalArgumentException("exactly one of projectId and failure must be set");
    }
    if (failure != null) {
      Objects.requireNonNull(message, "message");
    }
  }

  /** The request belongs to {@code projectId}. */
  public static AuthOutcome authenticated(String projectId) {
    return new AuthOutcome(Objects.requireNonNull(projectId, "projectId"), null, null);
  }

  /** The request is refused. */
  public static AuthOutcome refused(Failure failure, String message) {
    return new AuthOutcome(null, Objects.requireNonNull(failure, "failure"), message);
  }

  /** True when a project was authenticated. */
  public boolean isAuthenticated() {
    return projectId != null;
  }
}
