package dev.tracefold.api;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.auth.AuthenticatedProject;

/**
 * The project a read API request acts on. The only place the read API decides it: every route calls
 * {@link #of}, and no route reads or writes traces of any other project. Stateless and thread-safe.
 */
final class ApiProject {
  private ApiProject() {}

  /**
   * The request's project: the project of its API key, as set by the {@code ApiKeyAuthService}
   * decorator in front of the read API ({@link AuthenticatedProject}).
   */
  static String of(ServiceRequestContext ctx) {
    return AuthenticatedProject.of(ctx);
  }
}
