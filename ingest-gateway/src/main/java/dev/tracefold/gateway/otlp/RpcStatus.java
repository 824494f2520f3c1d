package dev.tracefold.gateway.otlp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Encodes the {@code google.rpc.Status} message OTLP/HTTP error responses carry ({@code int32 code
 * = 1; string message = 2;} — details are never sent), as protobuf or as proto3 JSON. The class is
 * hand-written (it predates the gRPC dependencies, whose {@code proto-google-common-protos} now
 * brings the generated {@code com.google.rpc.Status} that OTLP/gRPC uses). Stateless and
 * thread-safe.
 */
final class RpcStatus {
  /** gRPC code INVALID_ARGUMENT, for 400 and 413. */
  static final int INVALID_ARGUMENT = 3;

  /** gRPC code UNAVAILABLE, for 503. */
  static final int UNAVAILABLE = 14;

  /** gRPC code INTERNAL, for 500. */
  static final int INTERNAL = 13;

  /** gRPC code UNIMPLEMENTED, for 415. */
  static final int UNIMPLEMENTED = 12;

  /** gRPC code UNAUTHENTICATED, for 401. */
  static final int UNAUTHENTICATED = 16;

  /** gRPC code RESOURCE_EXHAUSTED, for 429. */
  static final int RESOURCE_EXHAUSTED = 8;

  private static final ObjectMapper JSON = new ObjectMapper();

  private RpcStatus() {}

  /** The gRPC code matching an HTTP error status. */
  static int codeFor(int httpStatus) {
    return switch (httpStatus) {
      case 400, 413 -> INVALID_ARGUMENT;
      case 415 -> UNIMPLEMENTED;
      case 401 -> UNAUTHENTICATED;
      case 429 -> RESOURCE_EXHAUSTED;
      case 503 -> UNAVAILABLE;
      default -> INTERNAL;
    };
  }

  /** Protobuf encoding of {@code Status{code, message}}. */
  static byte[] toProtobuf(int code, String message) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(message.length() + 16);
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      if (code != 0) {
        out.writeInt32(1, code);
      }
      if (!message.isEmpty()) {
        out.writeString(2, message);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Proto3 JSON encoding: {@code {"code":3,"message":"..."}}. */
  static byte[] toJson(int code, String message) {
    ObjectNode status = JSON.createObjectNode();
    status.put("code", code);
    status.put("message", message);
    return status.toString().getBytes(StandardCharsets.UTF_8);
  }
}
