package dev.tracefold.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds OTLP {@code ExportTraceServiceRequest}s of realistic agent traces, as an instrumented
 * service's batch exporter sends them: traces of {@value #SPANS_PER_TRACE} spans, a root {@code
 * invoke_agent} span and children cycling through {@code chat} (LLM), {@code execute_tool} and
 * {@code retrieval}, with OpenTelemetry GenAI attributes ({@code gen_ai.provider.name}, {@code
 * gen_ai.request.model}, {@code gen_ai.usage.input_tokens} / {@code output_tokens}, {@code
 * gen_ai.operation.name}, short {@code gen_ai.input.messages} / {@code gen_ai.output.messages}),
 * {@code session.id} and {@code user.id}; the mix and texts of {@link SpanFactory}. About 1 in 50
 * tool spans fails (status ERROR). 600-800 bytes per span in protobuf.
 *
 * <p>Not thread-safe: one instance per building thread.
 */
final class OtlpRequestFactory {
  /** Spans per trace: the root and its children. */
  static final int SPANS_PER_TRACE = 8;

  private final SplittableRandom random;

  /** A factory whose ids and figures derive from {@code seed}. */
  OtlpRequestFactory(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /**
   * One request of {@code spans} spans (whole traces of {@value #SPANS_PER_TRACE}, the last one cut
   * short if needed; its root comes first then), one resource and one instrumentation scope.
   *
   * @param spans spans in the request, at least 1
   * @param endEpochNanos when the traces ended, ns since the Unix epoch
   */
  ExportTraceServiceRequest request(int spans, long endEpochNanos) {
    ScopeSpans.Builder scope =
        ScopeSpans.newBuilder()
            .setScope(
                InstrumentationScope.newBuilder()
                    .setName("opentelemetry.instrumentation.genai")
                    .setVersion("0.9b0"));
    for (int first = 0; first < spans; first += SPANS_PER_TRACE) {
      addTrace(scope, Math.min(SPANS_PER_TRACE, spans - first), endEpochNanos);
    }
    return wrap(scope);
  }

  /**
   * A request carrying {@code spans} (of any traces) under the resource and scope of {@link
   * #request}: what an SDK's batch exporter sends.
   */
  static ExportTraceServiceRequest request(List<Span> spans) {
    return wrap(
        ScopeSpans.newBuilder()
            .setScope(
                InstrumentationScope.newBuilder()
                    .setName("opentelemetry.instrumentation.genai")
                    .setVersion("0.9b0"))
            .addAllSpans(spans));
  }

  /**
   * The spans of one agent trace in the order an SDK exports them (a span is exported when it
   * ends): {@code spans - 1} children, one every {@code spanGapNanos} from {@code
   * firstEndEpochNanos}, then the {@code invoke_agent} root last. Children cycle through {@code
   * chat} (LLM, with model, provider and token counts), {@code execute_tool} and {@code retrieval};
   * a retrieval is nested under the tool call two spans before it (that tool runs it), the others
   * are children of the root.
   *
   * @param traceId the trace's 16-byte id
   * @param spans spans of the trace, at least 1
   * @param firstEndEpochNanos when the first child ends (is exported), ns since the Unix epoch
   * @param spanGapNanos time between two consecutive exported spans
   */
  List<Span> agentTrace(ByteString traceId, int spans, long firstEndEpochNanos, long spanGapNanos) {
    ByteString rootId = randomId(8);
    int ref = random.nextInt(100_000);
    int model = ref % SpanFactory.MODELS.length;
    String session = "session-" + (ref % 5_000);
    String question = String.format(SpanFactory.QUESTIONS[ref % SpanFactory.QUESTIONS.length], ref);
    String answer = String.format(SpanFactory.ANSWERS[ref % SpanFactory.ANSWERS.length], ref);
    long traceStart = firstEndEpochNanos - spanGapNanos;
    long rootEnd = firstEndEpochNanos + (spans - 1) * spanGapNanos;
    List<Span> out = new ArrayList<>(spans);
    List<ByteString> ids = new ArrayList<>(spans);
    ids.add(rootId);
    for (int index = 1; index < spans; index++) {
      long end = firstEndEpochNanos + (index - 1) * spanGapNanos;
      long start = end - spanGapNanos * 4 / 5 - random.nextInt(1_000) * 1_000L;
      ByteString spanId = randomId(8);
      ids.add(spanId);
      boolean nested = index % 4 == 0;
      Span.Builder child =
          Span.newBuilder()
              .setTraceId(traceId)
              .setSpanId(spanId)
              .setParentSpanId(nested ? ids.get(index - 2) : rootId)
              .setStartTimeUnixNano(start)
              .setEndTimeUnixNano(end)
              .addAttributes(attr("session.id", session));
      switch (index % 4) {
        case 1, 3 -> llm(child, model, question, answer);
        case 2 -> tool(child, ref);
        default -> retrieval(child, question);
      }
      out.add(child.build());
    }
    out.add(
        root(
                traceId,
                rootId,
                traceStart,
                rootEnd,
                model,
                session,
                "user-" + (ref % 1_000),
                question,
                answer)
            .build());
    return out;
  }

  private static ExportTraceServiceRequest wrap(ScopeSpans.Builder scope) {
    Resource resource =
        Resource.newBuilder()
            .addAttributes(attr("service.name", "support-agent"))
            .addAttributes(attr("service.version", "2.14.0"))
            .addAttributes(attr("deployment.environment.name", "bench"))
            .addAttributes(attr("telemetry.sdk.name", "opentelemetry"))
            .addAttributes(attr("telemetry.sdk.language", "python"))
            .build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scope))
        .build();
  }

  /** The {@code invoke_agent} root span of an agent trace. */
  private static Span.Builder root(
      ByteString traceId,
      ByteString rootId,
      long startEpochNanos,
      long endEpochNanos,
      int model,
      String session,
      String user,
      String question,
      String answer) {
    return Span.newBuilder()
        .setTraceId(traceId)
        .setSpanId(rootId)
        .setName("invoke_agent support-agent")
        .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
        .setStartTimeUnixNano(startEpochNanos)
        .setEndTimeUnixNano(endEpochNanos)
        .addAttributes(attr("gen_ai.operation.name", "invoke_agent"))
        .addAttributes(attr("gen_ai.agent.name", "support-agent"))
        .addAttributes(attr("gen_ai.provider.name", SpanFactory.PROVIDERS[model]))
        .addAttributes(attr("session.id", session))
        .addAttributes(attr("user.id", user))
        .addAttributes(attr("gen_ai.input.messages", messages("user", question)))
        .addAttributes(attr("gen_ai.output.messages", messages("assistant", answer)));
  }

  private void addTrace(ScopeSpans.Builder scope, int spans, long endEpochNanos) {
    ByteString traceId = randomId(16);
    ByteString rootId = randomId(8);
    int ref = random.nextInt(100_000);
    int model = ref % SpanFactory.MODELS.length;
    String session = "session-" + (ref % 5_000);
    String user = "user-" + (ref % 1_000);
    String question = String.format(SpanFactory.QUESTIONS[ref % SpanFactory.QUESTIONS.length], ref);
    String answer = String.format(SpanFactory.ANSWERS[ref % SpanFactory.ANSWERS.length], ref);
    long traceStart = endEpochNanos - 1_000_000_000L - random.nextInt(4_000_000) * 1_000L;
    long childStart = traceStart + 5_000_000L;
    long childSlot = (endEpochNanos - childStart) / SPANS_PER_TRACE;
    scope.addSpans(
        root(traceId, rootId, traceStart, endEpochNanos, model, session, user, question, answer));
    for (int index = 1; index < spans; index++) {
      long start = childStart + (index - 1) * childSlot;
      long end =
          start + childSlot / 2 + random.nextInt((int) Math.max(1, childSlot / 2_000)) * 1_000L;
      Span.Builder child =
          Span.newBuilder()
              .setTraceId(traceId)
              .setSpanId(randomId(8))
              .setParentSpanId(rootId)
              .setStartTimeUnixNano(start)
              .setEndTimeUnixNano(end)
              .addAttributes(attr("session.id", session));
      switch (index % 4) {
        case 1, 3 -> llm(child, model, question, answer);
        case 2 -> tool(child, ref);
        default -> retrieval(child, question);
      }
      scope.addSpans(child);
    }
  }

  private void llm(Span.Builder span, int model, String question, String answer) {
    long input = 200 + random.nextInt(3_000);
    long output = 20 + random.nextInt(600);
    span.setName("chat " + SpanFactory.MODELS[model])
        .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .addAttributes(attr("gen_ai.operation.name", "chat"))
        .addAttributes(attr("gen_ai.provider.name", SpanFactory.PROVIDERS[model]))
        .addAttributes(attr("gen_ai.request.model", SpanFactory.MODELS[model]))
        .addAttributes(attr("gen_ai.response.model", SpanFactory.MODELS[model]))
        .addAttributes(
            attr("gen_ai.request.temperature", AnyValue.newBuilder().setDoubleValue(0.2).build()))
        .addAttributes(attr("gen_ai.request.max_tokens", 1024))
        .addAttributes(
            attr(
                "gen_ai.response.finish_reasons",
                AnyValue.newBuilder()
                    .setArrayValue(
                        ArrayValue.newBuilder()
                            .addValues(AnyValue.newBuilder().setStringValue("stop")))
                    .build()))
        .addAttributes(attr("gen_ai.usage.input_tokens", input))
        .addAttributes(attr("gen_ai.usage.output_tokens", output))
        .addAttributes(attr("gen_ai.usage.cache_read.input_tokens", input / 4))
        .addAttributes(attr("gen_ai.input.messages", messages("user", question)))
        .addAttributes(attr("gen_ai.output.messages", messages("assistant", answer)));
  }

  private void tool(Span.Builder span, int ref) {
    span.setName("execute_tool search_kb")
        .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
        .addAttributes(attr("gen_ai.operation.name", "execute_tool"))
        .addAttributes(attr("gen_ai.tool.name", "search_kb"))
        .addAttributes(attr("gen_ai.tool.call.id", "call_" + Long.toHexString(random.nextLong())))
        .addAttributes(
            attr("gen_ai.tool.call.arguments", "{\"query\":\"ref " + ref + "\",\"top_k\":8}"));
    if (random.nextInt(50) == 0) {
      span.setStatus(
          Status.newBuilder()
              .setCode(Status.StatusCode.STATUS_CODE_ERROR)
              .setMessage("kb timeout"));
    } else {
      span.addAttributes(
          attr("gen_ai.tool.call.result", "[{\"doc\":\"kb-" + (ref % 997) + "\",\"score\":0.82}]"));
    }
  }

  private static void retrieval(Span.Builder span, String question) {
    span.setName("retrieval kb-index")
        .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .addAttributes(attr("gen_ai.operation.name", "retrieval"))
        .addAttributes(attr("gen_ai.data_source.id", "kb-index"))
        .addAttributes(attr("gen_ai.retrieval.query.text", question))
        .addAttributes(attr("db.system.name", "pgvector"));
  }

  private static String messages(String role, String text) {
    return "[{\"role\":\""
        + role
        + "\",\"parts\":[{\"type\":\"text\",\"content\":\""
        + text
        + "\"}]}]";
  }

  private ByteString randomId(int bytes) {
    byte[] id = new byte[bytes];
    random.nextBytes(id);
    id[0] |= 0x10; // never all zeros
    return ByteString.copyFrom(id);
  }

  private static KeyValue attr(String key, String value) {
    return attr(key, AnyValue.newBuilder().setStringValue(value).build());
  }

  private static KeyValue attr(String key, long value) {
    return attr(key, AnyValue.newBuilder().setIntValue(value).build());
  }

  private static KeyValue attr(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }
}
