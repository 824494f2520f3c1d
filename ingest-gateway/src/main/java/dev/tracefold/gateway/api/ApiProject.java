package dev.tracefold.gateway.api;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.gateway.ingest.ProjectIds;

/**
 * The project a read API request acts on. The only place the read API decides it: every route calls
 * {@link #of}, and no route reads or writes traces of any other project. Stateless and thread-safe.
 */
final class ApiProject {
  private ApiProject() {}

  /**
   * The request's project: the {@value ProjectIds#HEADER} header, else {@value ProjectIds#DEFAULT}.
   *
   * @throws ApiException 400 naming the header when it is malformed
   */
  static String of(ServiceRequestContext ctx) {
    try {
      return ProjectIds.resolve(ctx.request().headers().get(ProjectIds.HEADER));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(ProjectIds.HEADER, e.getMessage());
    }
  }
}
