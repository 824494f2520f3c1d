package dev.tracefold.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.topic.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An example downstream evaluator: consumes {@code tracefold.evaluation.triggers} with {@code
 * isolation.level=read_committed} (so it sees only triggers whose sink transaction committed, each
 * trigger id once), fetches each trace at the trigger's {@code apiPath}, judges it ({@link
 * TraceVerdict}) and writes the verdict back as a score ({@code POST /api/v1/traces/{id}/scores})
 * naming the evaluator and the trigger id. It commits its consumer offsets after each batch is
 * scored (at least once); a batch replayed after a crash changes nothing: the API keeps one score
 * per (trigger, evaluator) and answers a replay with the first one (and a trace that already shows
 * this evaluator's score for the trigger is not judged again).
 *
 * <p>Only triggers of the given rule ids are judged (none given: all). Thread-safety: {@link
 * #run()} on one thread; {@link #close()} from any.
 */
public final class TriggerEvaluator implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TriggerEvaluator.class);

  private final KafkaConsumer<String, EvaluationTrigger> consumer;
  private final TracefoldApi api;
  private final List<String> ruleIds;
  private final String evaluator;
  private final String evaluatorVersion;
  private final long maxCostMicrocents;
  private final long maxDurationNanos;
  private final CountDownLatch stopped = new CountDownLatch(1);

  /**
   * @param settings where to read and write, and what to judge
   */
  public TriggerEvaluator(EvaluatorSettings settings) {
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                settings.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                settings.groupId(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                50),
            new StringDeserializer(),
            Topics.EVALUATION_TRIGGERS.valueSerde().deserializer());
    this.api = new TracefoldApi(settings.apiUri(), settings.apiKey());
    this.ruleIds = List.copyOf(settings.ruleIds());
    this.evaluator = settings.evaluator();
    this.evaluatorVersion = settings.evaluatorVersion();
    this.maxCostMicrocents = settings.maxCostMicrocents();
    this.maxDurationNanos = settings.maxDurationNanos();
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(Topics.EVALUATION_TRIGGERS.name()));
      while (true) {
        ConsumerRecords<String, EvaluationTrigger> records = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<String, EvaluationTrigger> record : records) {
          evaluateUntilDone(record.value());
        }
        if (!records.isEmpty()) {
          consumer.commitSync();
        }
      }
    } catch (WakeupException e) {
      log.info("Evaluator stopping");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      consumer.close();
      stopped.countDown();
    }
  }

  /** Evaluates one trigger, retrying every 2 s while the API fails. */
  private void evaluateUntilDone(EvaluationTrigger trigger) throws InterruptedException {
    if (!ruleIds.isEmpty() && !ruleIds.contains(trigger.getRuleId())) {
      return;
    }
    while (true) {
      try {
        evaluate(trigger);
        return;
      } catch (IOException e) {
        log.warn(
            "Evaluating trigger {} failed; retrying: {}", trigger.getTriggerId(), e.toString());
        Thread.sleep(2_000);
      }
    }
  }

  private void evaluate(EvaluationTrigger trigger) throws IOException {
    String triggerId = trigger.getTriggerId().toString();
    JsonNode trace = api.getTrace(trigger.getApiPath().toString());
    for (JsonNode score : trace.path("scores")) {
      if (score.path("trigger_id").asText().equals(triggerId)
          && score.path("evaluator").asText().equals(evaluator)) {
        log.debug("Trigger {} was scored already", triggerId);
        return;
      }
    }
    TraceVerdict verdict = TraceVerdict.of(trace, maxCostMicrocents, maxDurationNanos);
    Map<String, Object> score = new LinkedHashMap<>();
    score.put("evaluator", evaluator);
    score.put("evaluator_version", evaluatorVersion);
    score.put("trigger_id", triggerId);
    score.put("passed", verdict.passed());
    score.put("value", verdict.score());
    score.put("label", verdict.label());
    score.put("reason", verdict.reason());
    boolean stored = api.score(trigger.getTraceId().toString(), score);
    log.info(
        "Trace {} revision {}: {} ({}, {}){}",
        trigger.getTraceId(),
        trigger.getRevision(),
        verdict.label(),
        verdict.score(),
        verdict.passed() ? "passed" : "failed",
        stored ? "" : "; scored already, kept the first score");
  }

  /** Stops {@link #run()} and waits for it to close the consumer. */
  @Override
  public void close() {
    consumer.wakeup();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
