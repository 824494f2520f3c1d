package dev.tracefold.examples;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * What the example evaluator reads, writes and judges. Immutable.
 *
 * @param bootstrapServers Kafka bootstrap servers ({@code host:port,...})
 * @param groupId the evaluator's consumer group
 * @param apiUri the read API's base address, e.g. {@code http://localhost:8080}
 * @param apiKey an API key of the project whose traces it scores
 * @param ruleIds only triggers of these rules are judged; empty: all
 * @param evaluator the evaluator's name on its scores ({@code evaluator=} filters by it); one score
 *     per trigger and evaluator name
 * @param evaluatorVersion the evaluator's version on its scores
 * @param maxCostMicrocents traces costing more lose 0.5 of their score
 * @param maxDurationNanos traces taking longer lose 0.25 of their score
 */
public record EvaluatorSettings(
    String bootstrapServers,
    String groupId,
    URI apiUri,
    String apiKey,
    List<String> ruleIds,
    String evaluator,
    String evaluatorVersion,
    long maxCostMicrocents,
    long maxDurationNanos) {
  public EvaluatorSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(apiUri, "apiUri");
    Objects.requireNonNull(apiKey, "apiKey");
    ruleIds = List.copyOf(ruleIds);
    Objects.requireNonNull(evaluator, "evaluator");
    Objects.requireNonNull(evaluatorVersion, "evaluatorVersion");
  }
}
