package dev.tracefold.bench;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.schemas.rollup.TraceRollups;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Generates the traces of a month of a busy agent project, as the store holds them once complete:
 * each trace's spans and its {@link TraceRollup} computed by {@link TraceRollups#compute}, the same
 * code completion-stream runs. Distributions:
 *
 * <ul>
 *   <li>start times uniform over the {@value #DAYS} days before {@code nowEpochMillis};
 *   <li>a root {@code AGENT} span (one of {@value #AGENT_COUNT} agents, its service name) and 1-9
 *       children: {@code LLM} spans of the trace's model ({@link #MODELS}, skewed: the first two
 *       carry ~60%), {@code TOOL} and {@code RETRIEVAL} spans; tokens, estimated costs from
 *       per-model prices, time to first token;
 *   <li>{@value #ERROR_PERCENT}% of traces have a failed span, so status {@code ERROR};
 *   <li>tags: {@code env:prod} (80%) or {@code env:staging}, one of {@link #FEATURES}, and {@code
 *       beta} on 10%;
 *   <li>session ids: 90% of traces belong to one of traces/4 sessions; user ids: one of 20,000;
 *   <li>input and output: {@link SpanFactory}'s prompt and completion texts with a reference
 *       number; source {@code otlp-http-protobuf} (80%), {@code otlp-grpc} or {@code native-json}.
 * </ul>
 *
 * <p>Not thread-safe: one instance per generating thread.
 */
final class StoredTraceFactory {
  static final int DAYS = 30;
  static final int ERROR_PERCENT = 5;
  static final int AGENT_COUNT = 5;

  /** Models, most used first; {@link #PROVIDERS} at the same index. */
  static final String[] MODELS = {
    "gpt-4o-mini",
    "claude-sonnet-4-5",
    "gpt-4.1",
    "gemini-2.5-flash",
    "claude-haiku-4-5",
    "o4-mini",
    "gemini-2.5-pro",
    "llama-3.3-70b"
  };

  static final String[] PROVIDERS = {
    "openai", "anthropic", "openai", "gcp.gemini", "anthropic", "openai", "gcp.gemini", "groq"
  };

  /** Feature tags, one per trace, uniformly. */
  static final String[] FEATURES = {
    "feature:refunds",
    "feature:search",
    "feature:onboarding",
    "feature:billing",
    "feature:chat",
    "feature:reports"
  };

  private static final int[] MODEL_WEIGHTS = {35, 25, 10, 10, 8, 5, 4, 3};

  /** Price per million input and output tokens, in microcents (1 USD = 100,000,000). */
  private static final long[][] PRICES = {
    {15_000_000, 60_000_000},
    {300_000_000, 1_500_000_000},
    {200_000_000, 800_000_000},
    {30_000_000, 250_000_000},
    {100_000_000, 500_000_000},
    {110_000_000, 440_000_000},
    {125_000_000, 1_000_000_000},
    {59_000_000, 79_000_000}
  };

  private static final String[] AGENTS = {
    "support-agent", "billing-agent", "triage-agent", "research-agent", "onboarding-agent"
  };
  private static final String[] TOOLS = {
    "search_kb", "lookup_invoice", "create_ticket", "send_email"
  };

  /**
   * One generated trace.
   *
   * @param spans its spans, root first
   * @param rollup the rollup the store keeps for it
   * @param endEpochMillis when it ended; a live pipeline stores it a quiet window later
   */
  record Generated(List<Span> spans, TraceRollup rollup, long endEpochMillis) {}

  private final SplittableRandom random;
  private final String projectId;
  private final long nowEpochMillis;
  private final int sessions;

  /**
   * @param seed what ids and figures derive from
   * @param projectId project of every trace
   * @param nowEpochMillis the end of the month covered
   * @param traces how many traces will be generated (sizes the session pool)
   */
  StoredTraceFactory(long seed, String projectId, long nowEpochMillis, int traces) {
    this.random = new SplittableRandom(seed);
    this.projectId = projectId;
    this.nowEpochMillis = nowEpochMillis;
    this.sessions = Math.max(1, traces / 4);
  }

  /** The next trace. */
  Generated next() {
    String traceId = SpanFactory.hex(random.nextLong()) + SpanFactory.hex(random.nextLong());
    long startNanos =
        TimeUnit.MILLISECONDS.toNanos(nowEpochMillis - TimeUnit.DAYS.toMillis(DAYS))
            + (long) (random.nextDouble() * TimeUnit.DAYS.toNanos(DAYS));
    int agent = random.nextInt(AGENT_COUNT);
    int model = weighted(MODEL_WEIGHTS);
    int ref = random.nextInt(100_000);
    int text = ref % SpanFactory.QUESTIONS.length;
    List<String> tags = new ArrayList<>(3);
    tags.add(random.nextInt(10) < 8 ? "env:prod" : "env:staging");
    tags.add(FEATURES[random.nextInt(FEATURES.length)]);
    if (random.nextInt(10) == 0) {
      tags.add("beta");
    }
    String session = random.nextInt(10) == 0 ? null : "sess-" + random.nextInt(sessions);
    String user = "user-" + random.nextInt(20_000);
    int source = random.nextInt(10);
    String sourceName =
        source < 8 ? "otlp-http-protobuf" : source == 8 ? "otlp-grpc" : "native-json";
    int children = 1 + Math.min(8, (int) (-Math.log(1 - random.nextDouble()) * 3));
    int failing = random.nextInt(100) < ERROR_PERCENT ? 1 + random.nextInt(children) : -1;

    String rootId = SpanFactory.hex(random.nextLong());
    List<Span> spans = new ArrayList<>(children + 1);
    long cursor = startNanos + 2_000_000L;
    for (int i = 1; i <= children; i++) {
      long duration =
          TimeUnit.MILLISECONDS.toNanos(20 + (long) (-Math.log(1 - random.nextDouble()) * 1_500));
      Span child =
          span(
              traceId,
              SpanFactory.hex(random.nextLong()),
              rootId,
              cursor,
              cursor + duration,
              AGENTS[agent],
              tags,
              session,
              user,
              sourceName);
      switch (i % 3) {
        case 1 -> llm(child, model, duration);
        case 2 -> child.setKind(SpanKind.TOOL);
        default -> child.setKind(SpanKind.RETRIEVAL);
      }
      child.setName(
          switch (child.getKind()) {
            case LLM -> "chat " + MODELS[model];
            case TOOL -> "execute_tool " + TOOLS[(ref + i) % TOOLS.length];
            default -> "retrieval kb-index";
          });
      if (i == failing) {
        child.setStatus(SpanStatus.ERROR);
        child.setStatusMessage(
            child.getKind() == SpanKind.LLM ? "429 rate limited by provider" : "timeout after 30s");
      }
      spans.add(child);
      cursor += duration + 1_000_000L;
    }
    Span root =
        span(
            traceId,
            rootId,
            null,
            startNanos,
            cursor + 3_000_000L,
            AGENTS[agent],
            tags,
            session,
            user,
            sourceName);
    root.setKind(SpanKind.AGENT);
    root.setName("invoke_agent " + AGENTS[agent]);
    root.setInput(String.format(SpanFactory.QUESTIONS[text], ref));
    root.setOutput(failing > 0 ? null : String.format(SpanFactory.ANSWERS[text], ref));
    spans.add(0, root);
    TraceRollup rollup = TraceRollups.compute(projectId, traceId, spans);
    return new Generated(spans, rollup, TimeUnit.NANOSECONDS.toMillis(root.getEndEpochNanos()));
  }

  private Span span(
      String traceId,
      String spanId,
      String parentId,
      long start,
      long end,
      String service,
      List<String> tags,
      String session,
      String user,
      String source) {
    Span span = new Span();
    span.setProjectId(projectId);
    span.setTraceId(traceId);
    span.setSpanId(spanId);
    span.setParentSpanId(parentId);
    span.setStartEpochNanos(start);
    span.setEndEpochNanos(end);
    span.setStatus(SpanStatus.UNSET);
    span.setServiceName(service);
    span.setSessionId(session);
    span.setUserId(user);
    span.setTags(tags);
    span.setAttributes(Map.of());
    span.setResourceAttributes(
        Map.of("service.name", service, "deployment.environment.name", tags.get(0).substring(4)));
    span.setEvents(List.of());
    span.setSource(source);
    span.setIngestedEpochMillis(TimeUnit.NANOSECONDS.toMillis(end));
    return span;
  }

  private void llm(Span span, int model, long durationNanos) {
    long input = 200 + random.nextInt(4_000);
    long output = 20 + random.nextInt(800);
    span.setKind(SpanKind.LLM);
    span.setOtelSpanKind("CLIENT");
    span.setModel(MODELS[model]);
    span.setProvider(PROVIDERS[model]);
    span.setInputTokens(input);
    span.setOutputTokens(output);
    span.setCacheReadTokens(input / 4);
    span.setCostMicrocents((input * PRICES[model][0] + output * PRICES[model][1]) / 1_000_000);
    span.setCostIsEstimated(true);
    span.setTimeToFirstTokenNanos(durationNanos / 5);
  }

  private int weighted(int[] weights) {
    int pick = random.nextInt(100);
    for (int i = 0; i < weights.length; i++) {
      pick -= weights[i];
      if (pick < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
