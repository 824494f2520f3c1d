package dev.tracefold.gateway.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.linecorp.armeria.common.MediaType;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The two OTLP/HTTP encodings, with the span source (and metric {@code protocol}) each produces and
 * the encoding of their answers: protobuf, or proto3 JSON. Immutable.
 */
enum OtlpFormat {
  PROTOBUF("otlp-http-protobuf", MediaType.create("application", "x-protobuf")),
  JSON("otlp-http-json", MediaType.JSON);

  final String source;
  final MediaType mediaType;

  OtlpFormat(String source, MediaType mediaType) {
    this.source = source;
    this.mediaType = mediaType;
  }

  /** The format of a {@code Content-Type}; null for anything but the two OTLP types. */
  static OtlpFormat of(MediaType contentType) {
    if (contentType == null) {
      return null;
    }
    String type = contentType.type().toLowerCase(Locale.ROOT);
    String subtype = contentType.subtype().toLowerCase(Locale.ROOT);
    if (!type.equals("application")) {
      return null;
    }
    return switch (subtype) {
      case "x-protobuf" -> PROTOBUF;
      case "json" -> JSON;
      default -> null;
    };
  }

  /** The format errors are answered in: the request's, JSON when it has none of the two. */
  static OtlpFormat answering(MediaType contentType) {
    OtlpFormat format = of(contentType);
    return format == null ? JSON : format;
  }

  /** An export answer in this format. */
  byte[] encode(ExportTraceServiceResponse response) {
    return switch (this) {
      case PROTOBUF -> response.toByteArray();
      case JSON -> printJson(response);
    };
  }

  /** A {@code google.rpc.Status{code, message}} in this format. */
  byte[] encodeStatus(int code, String message) {
    return switch (this) {
      case PROTOBUF -> RpcStatus.toProtobuf(code, message);
      case JSON -> RpcStatus.toJson(code, message);
    };
  }

  private static byte[] printJson(ExportTraceServiceResponse response) {
    try {
      return JsonFormat.printer()
          .omittingInsignificantWhitespace()
          .print(response)
          .getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("Cannot print an ExportTraceServiceResponse", e);
    }
  }
}
