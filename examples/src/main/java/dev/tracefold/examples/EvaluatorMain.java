package dev.tracefold.examples;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code example-evaluator}: runs a {@link TriggerEvaluator} until SIGTERM or Ctrl-C. */
@Command(
    name = "example-evaluator",
    mixinStandardHelpOptions = true,
    description =
        "Reads Tracefold evaluation triggers, judges each trace and writes the verdict back as a"
            + " score through the API.")
public final class EvaluatorMain implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", description = "Kafka")
  String bootstrapServers;

  @Option(names = "--group", defaultValue = "example-evaluator", description = "consumer group")
  String groupId;

  @Option(names = "--api", defaultValue = "http://localhost:8080", description = "read API")
  URI apiUri;

  @Option(
      names = "--api-key",
      required = true,
      defaultValue = "${env:TRACEFOLD_API_KEY}",
      description = "API key of the project (default: $TRACEFOLD_API_KEY)")
  String apiKey;

  @Option(names = "--rule", description = "judge triggers of this rule id only (repeatable)")
  List<String> ruleIds = new ArrayList<>();

  @Option(
      names = "--evaluator",
      defaultValue = "example-evaluator",
      description = "evaluator name on the scores (filter with evaluator=<name>)")
  String evaluatorName;

  @Option(names = "--evaluator-version", defaultValue = "1", description = "version on the scores")
  String evaluatorVersion;

  @Option(names = "--max-cost-microcents", defaultValue = "1000000")
  long maxCostMicrocents;

  @Option(names = "--max-duration-ms", defaultValue = "30000")
  long maxDurationMillis;

  @Override
  public Integer call() throws InterruptedException {
    TriggerEvaluator evaluator =
        new TriggerEvaluator(
            new EvaluatorSettings(
                bootstrapServers,
                groupId,
                apiUri,
                apiKey,
                ruleIds,
                evaluatorName,
                evaluatorVersion,
                maxCostMicrocents,
                maxDurationMillis * 1_000_000L));
    Thread worker = new Thread(evaluator, "example-evaluator");
    Runtime.getRuntime().addShutdownHook(new Thread(evaluator::close, "example-evaluator-stop"));
    worker.start();
    worker.join();
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new EvaluatorMain()).execute(args));
  }
}
