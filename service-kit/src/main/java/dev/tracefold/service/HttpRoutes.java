package dev.tracefold.service;

import com.linecorp.armeria.server.ServerBuilder;
import java.util.List;

/**
 * Routes a component adds to an Armeria server under construction. It lets one process serve the
 * routes of several services on one port without the services knowing each other: standalone mounts
 * trace-api's read API and web console on the ingest gateway's API port, as Tracefold served it
 * before the two were separate services. Implementations must be thread-safe once added.
 */
@FunctionalInterface
public interface HttpRoutes {
  /** Adds the routes to {@code server}; called once per server, before it is built. */
  void addTo(ServerBuilder server);

  /**
   * Whether a request path of these routes is served without an API key (the web console's pages
   * and assets hold no data: the data they show comes from the API, with the key the person signed
   * in with). The server's authentication decorator asks every route set. Default: none is.
   *
   * @param path the request's path, decoded, without the query string
   */
  default boolean isOpen(String path) {
    return false;
  }

  /** Route sets served together: each is added in order; a path is open if one of them says so. */
  static HttpRoutes all(List<HttpRoutes> routes) {
    List<HttpRoutes> copy = List.copyOf(routes);
    return new HttpRoutes() {
      @Override
      public void addTo(ServerBuilder server) {
        copy.forEach(routes -> routes.addTo(server));
      }

      @Override
      public boolean isOpen(String path) {
        return copy.stream().anyMatch(routes -> routes.isOpen(path));
      }
    };
  }
}
