package dev.tracefold.service;

import com.linecorp.armeria.server.Server;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server that serves only {@link OpsEndpoints} ({@code /metrics}, {@code /health}),
 * for services that have no HTTP server of their own (completion-stream, rollup-sink). Thread-safe;
 * {@link #close()} is idempotent.
 */
public final class OpsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpsServer.class);
  private final Server server;

  private OpsServer(Server server) {
    this.server = server;
  }

  /**
   * Starts serving on {@code port} (0 = any free port) and waits until it listens.
   *
   * @throws java.util.concurrent.CompletionException if the port cannot be bound
   */
  public static OpsServer start(
      int port, PrometheusMeterRegistry registry, List<HealthCheck> checks) {
    var builder = Server.builder().http(port);
    new OpsEndpoints(registry, checks).addTo(builder);
    Server server = builder.build();
    server.start().join();
    log.info("Serving /metrics and /health on port {}", server.activeLocalPort());
    return new OpsServer(server);
  }

  /** The port this server listens on. */
  public int port() {
    return server.activeLocalPort();
  }

  @Override
  public void close() {
    server.stop().join();
  }
}
