package dev.tracefold.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.topic.Topics;
import java.io.IOException;
import java.time.Duration;
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
 * TraceVerdict}) and writes the verdict back as an annotation by {@code author}. It commits its
 * consumer offsets after each batch is annotated (at least once); a batch replayed after a crash
 * is recognised because the trace already carries an annotation naming the trigger id, so every
 * trigger is annotated once.
 *
 * <p>Only triggers of the given rule ids are judged (none given: all). Thread-safety: {@link
 * #run()} on one thread; {@link #close()} from any.
 */
public final class TriggerEvaluator implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TriggerEvaluator.class);

  private final KafkaConsumer<String, EvaluationTrigger> consumer;
  private final TracefoldApi api;
  private final List<String> ruleIds;
  private final String author;
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
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, settings.groupId(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50),
            new StringDeserializer(),
            Topics.EVALUATION_TRIGGERS.valueSerde().deserializer());
    this.api = new TracefoldApi(settings.apiUri(), settings.apiKey());
    this.ruleIds = List.copyOf(settings.ruleIds());
    this.author = settings.author();
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
        log.warn("Evaluating trigger {} failed; retrying: {}", trigger.getTriggerId(), e.toString());
        Thread.sleep(2_000);
      }
    }
  }

  private void evaluate(EvaluationTrigger trigger) throws IOException {
    JsonNode trace = api.getTrace(trigger.getApiPath().toString());
    String marker = "trigger " + trigger.getTriggerId();
    for (JsonNode annotation : trace.path("annotations")) {
      if (annotation.path("text").asText().contains(marker)) {
        log.debug("Trigger {} was annotated already", trigger.getTriggerId());
        return;
      }
    }
    TraceVerdict verdict = TraceVerdict.of(trace, maxCostMicrocents, maxDurationNanos);
    api.annotate(
        trigger.getTraceId().toString(),
        verdict.reason() + " (" + marker + ", revision " + trigger.getRevision() + ")",
        author,
        verdict.score(),
        verdict.label());
    log.info(
        "Trace {} revision {}: {} ({})",
        trigger.getTraceId(),
        trigger.getRevision(),
        verdict.label(),
        verdict.score());
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
