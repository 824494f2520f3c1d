package dev.tracefold.examples;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A stand-in for an evaluator's judgement (an LLM judge, a regex, a human): a score in [0, 1], a
 * pass/fail verdict and a label from the trace's figures as the read API shows them ({@code GET
 * /api/v1/traces/{id}}).
 *
 * <p>Rules: an ERROR trace scores 0 ({@code failed}); otherwise the score starts at 1 and loses 0.5
 * if the trace cost more than {@code maxCostMicrocents} and 0.25 if it took longer than {@code
 * maxDurationNanos}; 1 is {@code good}, anything else {@code needs-review}. The trace passes when
 * its score is above {@value #PASS_ABOVE}: no error and within the cost budget (a slow trace
 * passes).
 *
 * @param score 0 to 1
 * @param label {@code good}, {@code needs-review} or {@code failed}
 * @param reason one sentence for people
 */
public record TraceVerdict(double score, String label, String reason) {
  /** A score above this passes. */
  public static final double PASS_ABOVE = 0.5;

  /** Whether the trace passes: its score is above {@link #PASS_ABOVE}. */
  public boolean passed() {
    return score > PASS_ABOVE;
  }

  /** Judges a trace given as the read API's JSON. */
  public static TraceVerdict of(JsonNode trace, long maxCostMicrocents, long maxDurationNanos) {
    if ("ERROR".equals(trace.path("status").asText())) {
      return new TraceVerdict(
          0, "failed", trace.path("error_count").asLong() + " span(s) ended in error");
    }
    double score = 1;
    StringBuilder reason = new StringBuilder();
    long cost = trace.path("cost_microcents").asLong(0);
    if (cost > maxCostMicrocents) {
      score -= 0.5;
      reason.append("cost ").append(cost).append(" microcents; ");
    }
    long duration = trace.path("duration_nanos").asLong(0);
    if (duration > maxDurationNanos) {
      score -= 0.25;
      reason.append("took ").append(duration / 1_000_000).append(" ms; ");
    }
    return score == 1
        ? new TraceVerdict(1, "good", "no error, within cost and time budgets")
        : new TraceVerdict(score, "needs-review", reason.toString().trim());
  }
}
