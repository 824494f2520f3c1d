package dev.tracefold.gateway.otlp;

import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * An OTLP/gRPC request message as bytes, or the error gRPC raised while reading it (a message above
 * {@code maxInboundMessageSize} once decompressed). An error thrown by a marshaller would reach the
 * client as {@code UNKNOWN}, so {@link #MARSHALLER} carries it to the service instead. Immutable
 * (the bytes are not copied).
 *
 * @param bytes the message; null when unreadable
 * @param unreadable gRPC's error; null when read
 */
record RequestMessage(byte[] bytes, StatusRuntimeException unreadable) {
  /** Reads the message bytes; gRPC bounds their size by {@code maxInboundMessageSize}. */
  static final MethodDescriptor.Marshaller<RequestMessage> MARSHALLER =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(RequestMessage value) {
          return new ByteArrayInputStream(value.bytes());
        }

        @Override
        public RequestMessage parse(InputStream stream) {
          try (stream) {
            return new RequestMessage(stream.readAllBytes(), null);
          } catch (StatusRuntimeException e) {
            return new RequestMessage(null, e);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
}
