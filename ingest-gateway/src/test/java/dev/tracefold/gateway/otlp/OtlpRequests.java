package dev.tracefold.gateway.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Builders of OTLP protobuf test data. */
public final class OtlpRequests {
  public static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  public static final String ROOT_ID = "b7ad6b7169203331";
  public static final String CHILD_ID = "00f067aa0ba902b7";

  private OtlpRequests() {}

  /** A random valid trace id (32 lowercase hex characters, never all zeros). */
  public static String newTraceId() {
    byte[] id = new byte[16];
    ThreadLocalRandom.current().nextBytes(id);
    id[0] |= 0x10; // never all zeros
    return HexFormat.of().formatHex(id);
  }

  public static ByteString hex(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  public static KeyValue attr(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  public static KeyValue attr(String key, String value) {
    return attr(key, AnyValue.newBuilder().setStringValue(value).build());
  }

  public static KeyValue attr(String key, long value) {
    return attr(key, AnyValue.newBuilder().setIntValue(value).build());
  }

  public static KeyValue attr(String key, double value) {
    return attr(key, AnyValue.newBuilder().setDoubleValue(value).build());
  }

  public static KeyValue attr(String key, boolean value) {
    return attr(key, AnyValue.newBuilder().setBoolValue(value).build());
  }

  /** A valid span: trace {@link #TRACE_ID}, the given id and parent, 1000..3000 ns. */
  public static Span.Builder span(String name, String spanId, String parentId) {
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(hex(TRACE_ID))
            .setSpanId(hex(spanId))
            .setName(name)
            .setStartTimeUnixNano(1_000)
            .setEndTimeUnixNano(3_000);
    if (parentId != null) {
      span.setParentSpanId(hex(parentId));
    }
    return span;
  }

  /** One resource (service {@code agent-svc}) and scope ({@code my.scope}) holding the spans. */
  public static ExportTraceServiceRequest request(Span.Builder... spans) {
    ScopeSpans.Builder scope =
        ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("my.scope").setVersion("1.0"));
    for (Span.Builder span : spans) {
      scope.addSpans(span);
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(attr("service.name", "agent-svc"))
                        .addAttributes(attr("deployment.environment", "test")))
                .addScopeSpans(scope))
        .build();
  }

  /** The code of a protobuf {@code google.rpc.Status} (0 when absent). */
  public static int statusCode(byte[] status) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(status);
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == (1 << 3)) {
        return in.readInt32();
      }
      in.skipField(tag);
    }
    return 0;
  }

  /** The message of a protobuf {@code google.rpc.Status} (empty when absent). */
  public static String statusMessage(byte[] status) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(status);
    String message = "";
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == ((2 << 3) | 2)) {
        message = in.readString();
      } else {
        in.skipField(tag);
      }
    }
    return message;
  }
}
