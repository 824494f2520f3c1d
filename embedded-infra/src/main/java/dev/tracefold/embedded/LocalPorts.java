package dev.tracefold.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/** TCP port helpers for servers that listen on {@code localhost} only. Thread-safe (stateless). */
final class LocalPorts {
  /** The host every embedded server binds to and advertises. */
  static final String HOST = "localhost";

  private LocalPorts() {}

  /**
   * Picks a currently free port on {@link #HOST} by binding port 0 and closing the socket again.
   *
   * <p>There is an unavoidable race: another process may take the port between this call and the
   * moment the caller binds it. The window is a few milliseconds and the kernel hands out ephemeral
   * ports round-robin, so a collision is very unlikely; callers fail with a clear bind error if it
   * happens.
   *
   * @throws UncheckedIOException if no socket can be bound at all
   */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(localhost(), 0), 1);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not find a free TCP port on " + HOST, e);
    }
  }

  /**
   * Checks that {@code port} can be bound on {@link #HOST} right now (with {@code SO_REUSEADDR}, as
   * servers bind, so ports in {@code TIME_WAIT} count as free).
   *
   * @throws IllegalStateException if the port is in use
   */
  static void requireFree(int port, String what) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(localhost(), port), 1);
    } catch (IOException e) {
      throw new IllegalStateException(
          what
              + " cannot listen on "
              + HOST
              + ":"
              + port
              + ": port in use ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  private static InetAddress localhost() throws UnknownHostException {
    return InetAddress.getByName(HOST);
  }
}
