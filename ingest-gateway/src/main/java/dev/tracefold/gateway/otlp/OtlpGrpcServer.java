package dev.tracefold.gateway.otlp;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plaintext gRPC server (grpc-java, Netty transport) that serves {@link OtlpGrpcService}. Its
 * {@code maxInboundMessageSize} is the gateway's request size cap; gRPC checks it on the message as
 * sent and again after {@code grpc-encoding} decompression.
 *
 * <p>A separate server from the Armeria ones: {@code armeria-grpc} is not published for the Armeria
 * version in use. Thread-safe; {@link #close()} is idempotent.
 */
public final class OtlpGrpcServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OtlpGrpcServer.class);
  private static final long SHUTDOWN_GRACE_SECONDS = 5;

  private final Server server;

  private OtlpGrpcServer(Server server) {
    this.server = server;
  }

  /**
   * Starts the server; returns once it listens.
   *
   * @param address the address and port to listen on; port 0 binds any free port
   * @param maxMessageBytes largest accepted request message, compressed or not ({@code
   *     RESOURCE_EXHAUSTED} beyond)
   * @param service the OTLP trace service
   * @return the running server
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static OtlpGrpcServer start(
      InetSocketAddress address, int maxMessageBytes, OtlpGrpcService service) {
    Objects.requireNonNull(service, "service");
    Server server =
        NettyServerBuilder.forAddress(address, InsecureServerCredentials.create())
            .maxInboundMessageSize(maxMessageBytes)
            .addService(service.definition())
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the OTLP/gRPC server on " + address, e);
    }
    return new OtlpGrpcServer(server);
  }

  /** The bound port (the real one when started with 0). */
  public int port() {
    return server.getPort();
  }

  /**
   * Stops accepting calls and waits up to 5 s for running calls to finish, then cancels the rest.
   */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS)) {
        log.warn(
            "OTLP/gRPC calls still running after {} s; cancelling them", SHUTDOWN_GRACE_SECONDS);
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
