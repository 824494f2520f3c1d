package dev.tracefold.auth;

import com.linecorp.armeria.common.RequestContext;
import io.netty.util.AttributeKey;
import java.util.Objects;

/**
 * The project a request was authenticated for, kept as an attribute of its Armeria request context.
 * {@link ApiKeyAuthService} sets it before any service behind it runs; services (OTLP/HTTP, the
 * read API, native JSON, OTLP/gRPC) read it with {@link #of}. Stateless and thread-safe.
 */
public final class AuthenticatedProject {
  private static final AttributeKey<String> PROJECT_ID =
      AttributeKey.valueOf(AuthenticatedProject.class, "projectId");

  private AuthenticatedProject() {}

  /** Records the authenticated project of a request (for authentication decorators). */
  public static void set(RequestContext ctx, String projectId) {
    ctx.setAttr(PROJECT_ID, Objects.requireNonNull(projectId, "projectId"));
  }

  /**
   * The project of an authenticated request.
   *
   * @throws IllegalStateException if the request did not pass through {@link ApiKeyAuthService} (a
   *     wiring error: every service but {@code /health} and {@code /metrics} sits behind it)
   */
  public static String of(RequestContext ctx) {
    String projectId = ctx.attr(PROJECT_ID);
    if (projectId == null) {
      throw new IllegalStateException(
          "request "
              + ctx.path()
              + " was not authenticated: the service is not behind ApiKeyAuthService");
    }
    return projectId;
  }
}
