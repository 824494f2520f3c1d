package dev.tracefold.bench;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.serde.AvroSerde;
import dev.tracefold.schemas.topic.SpanHeaders;
import dev.tracefold.schemas.topic.TraceKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.common.header.Headers;

/**
 * Generates realistic agent traces as Kafka-ready bytes: a root {@code AGENT} span and children
 * cycling through {@code LLM}, {@code TOOL}, {@code RETRIEVAL}, with GenAI attributes, token
 * counts, costs and short prompt/completion texts; 350-450 encoded bytes per span. The root is the
 * last span of a trace, as OpenTelemetry exporters send it (a parent ends after its children).
 *
 * <p>Not thread-safe: one instance per producing thread.
 */
final class SpanFactory {
  private static final AvroSerde<Span> SERDE = AvroSerde.of(Span.class);
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final int PROJECTS = 8;

  /** Models of the LLM spans; {@link #PROVIDERS} holds each one's provider at the same index. */
  static final String[] MODELS = {"gpt-4o-mini", "claude-sonnet-4-5", "gemini-2.5-flash"};

  static final String[] PROVIDERS = {"openai", "anthropic", "gcp.gemini"};

  /** Prompt templates ({@code %d}: a reference number); the other benchmarks reuse them. */
  static final String[] QUESTIONS = {
    "How do I rotate the API key of workspace %d without downtime?",
    "Summarise ticket #%d and propose a reply to the customer.",
    "Which invoices of account %d are overdue, and by how much?",
    "Find the runbook for alert %d and list the first three steps."
  };

  /** Completion templates, one per prompt template. */
  static final String[] ANSWERS = {
    "Create a second key, deploy it, then revoke the first (ref %d).",
    "The customer reports a failed export; suggested reply attached (ref %d).",
    "Two invoices are overdue, 14 and 31 days; total due %d EUR.",
    "Check the queue depth, restart consumer %d, then page the owner."
  };

  /** One trace being generated: its key and ids. Immutable. */
  record BenchTrace(
      String projectId, String traceId, String rootSpanId, byte[] key, long startEpochNanos) {}

  private final SplittableRandom random;
  private final Span root;
  private final Span llm;
  private final Span tool;
  private final Span retrieval;

  /** A factory whose ids and figures derive from {@code seed}. */
  SpanFactory(long seed) {
    this.random = new SplittableRandom(seed);
    this.root =
        template("agent.run", SpanKind.AGENT, "INTERNAL", null)
            .setAttributes(
                Map.of(
                    "gen_ai.operation.name", "invoke_agent", "gen_ai.agent.name", "support-agent"))
            .build();
    this.llm =
        template("chat", SpanKind.LLM, "CLIENT", "opentelemetry.instrumentation.openai")
            .setAttributes(
                Map.of(
                    "gen_ai.operation.name",
                    "chat",
                    "gen_ai.request.temperature",
                    0.2,
                    "gen_ai.request.max_tokens",
                    1024L,
                    "gen_ai.response.finish_reasons",
                    "[\"stop\"]"))
            .build();
    this.tool =
        template("execute_tool search_kb", SpanKind.TOOL, "INTERNAL", null)
            .setAttributes(
                Map.of("gen_ai.operation.name", "execute_tool", "gen_ai.tool.name", "search_kb"))
            .build();
    this.retrieval =
        template("retrieve", SpanKind.RETRIEVAL, "CLIENT", null)
            .setAttributes(Map.of("db.system", "pgvector", "retrieval.top_k", 8L))
            .build();
  }

  private static Span.Builder template(String name, SpanKind kind, String otelKind, String scope) {
    return Span.newBuilder()
        .setProjectId("p")
        .setTraceId("t")
        .setSpanId("s")
        .setName(name)
        .setKind(kind)
        .setOtelSpanKind(otelKind)
        .setStartEpochNanos(0)
        .setEndEpochNanos(0)
        .setStatus(SpanStatus.OK)
        .setServiceName("support-agent")
        .setScopeName(scope)
        .setSessionId("s")
        .setUserId("u")
        .setTags(List.of("bench"))
        .setSource("otlp-http-protobuf")
        .setResourceAttributes(
            Map.of("service.name", "support-agent", "deployment.environment", "bench"));
  }

  /** Starts a new trace: a random 128-bit trace id in one of a few projects. */
  BenchTrace newTrace(long startEpochNanos) {
    return newTrace("bench-project-" + random.nextInt(PROJECTS), startEpochNanos);
  }

  /** Starts a new trace of {@code projectId}, with a random 128-bit trace id. */
  BenchTrace newTrace(String projectId, long startEpochNanos) {
    String traceId = hex(random.nextLong()) + hex(random.nextLong());
    String rootSpanId = hex(random.nextLong());
    byte[] key = new TraceKey(projectId, traceId).toString().getBytes(StandardCharsets.UTF_8);
    return new BenchTrace(projectId, traceId, rootSpanId, key, startEpochNanos);
  }

  /**
   * Span {@code index} of {@code trace}, encoded (Avro single-object encoding, as on {@code
   * tracefold.spans}). Index {@code spansPerTrace - 1} is the root; the others are its children.
   *
   * @param endEpochNanos when the span ended (it is sent at its end)
   */
  byte[] span(BenchTrace trace, int index, int spansPerTrace, long endEpochNanos) {
    boolean isRoot = index == spansPerTrace - 1;
    Span span =
        isRoot
            ? root
            : switch (index % 4) {
              case 0, 2 -> llm;
              case 1 -> tool;
              default -> retrieval;
            };
    int ref = random.nextInt(100_000);
    span.setProjectId(trace.projectId());
    span.setTraceId(trace.traceId());
    span.setSpanId(spanId(trace, index, spansPerTrace));
    span.setParentSpanId(isRoot ? null : trace.rootSpanId());
    long durationNanos =
        isRoot
            ? Math.max(1_000_000, endEpochNanos - trace.startEpochNanos())
            : 20_000_000L + random.nextInt(900_000_000);
    span.setStartEpochNanos(endEpochNanos - durationNanos);
    span.setEndEpochNanos(endEpochNanos);
    span.setSessionId("session-" + (ref % 5_000));
    span.setUserId("user-" + (ref % 1_000));
    span.setIngestedEpochMillis(endEpochNanos / 1_000_000);
    span.setInput(String.format(QUESTIONS[ref % QUESTIONS.length], ref));
    span.setOutput(
        span == tool || span == retrieval
            ? null
            : String.format(ANSWERS[ref % ANSWERS.length], ref));
    if (span == llm) {
      int model = ref % MODELS.length;
      long input = 200 + random.nextInt(3_000);
      long output = 20 + random.nextInt(600);
      span.setModel(MODELS[model]);
      span.setProvider(PROVIDERS[model]);
      span.setInputTokens(input);
      span.setOutputTokens(output);
      span.setCacheReadTokens(input / 4);
      span.setCostMicrocents(input * 15 + output * 60);
      span.setCostIsEstimated(true);
      span.setTimeToFirstTokenNanos(durationNanos / 5);
    }
    return SERDE.encode(span);
  }

  /** The id of span {@code index} of {@code trace} (see {@link #span}). */
  static String spanId(BenchTrace trace, int index, int spansPerTrace) {
    return index == spansPerTrace - 1
        ? trace.rootSpanId()
        : trace.rootSpanId().substring(0, 12) + hex4(index + 1);
  }

  /**
   * The headers the gateway puts on the record of span {@code index} of {@code trace} ({@link
   * SpanHeaders}).
   */
  static Headers headers(BenchTrace trace, int index, int spansPerTrace) {
    boolean isRoot = index == spansPerTrace - 1;
    return SpanHeaders.of(spanId(trace, index, spansPerTrace), isRoot ? null : trace.rootSpanId());
  }

  /** {@code value} as 16 lowercase hex characters. */
  static String hex(long value) {
    char[] out = new char[16];
    for (int i = 15; i >= 0; i--) {
      out[i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
    return new String(out);
  }

  private static String hex4(int value) {
    return hex(value).substring(12);
  }
}
