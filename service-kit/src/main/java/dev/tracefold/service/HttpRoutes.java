package dev.tracefold.service;

import com.linecorp.armeria.server.ServerBuilder;

/**
 * Routes a component adds to an Armeria server under construction. It lets one process serve the
 * routes of several services on one port without the services knowing each other: standalone mounts
 * trace-api's read API on the ingest gateway's API port, as Tracefold served it before the two were
 * separate services. Implementations must be thread-safe once added.
 */
@FunctionalInterface
public interface HttpRoutes {
  /** Adds the routes to {@code server}; called once per server, before it is built. */
  void addTo(ServerBuilder server);
}
