package dev.tracefold.sink;

import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.service.KafkaSettings;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transactional producer of {@code tracefold.evaluation.triggers} (key {@code projectId/traceId},
 * value the Avro trigger), with its {@code kafka_producer_*} meters bound while it is open. The
 * completed-trace writer and the turn-last scheduler each own one. Not thread-safe: one worker
 * thread uses it.
 */
final class TriggerProducer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TriggerProducer.class);

  private final Producer<String, EvaluationTrigger> producer;
  private final KafkaClientMetrics meters;

  private TriggerProducer(Producer<String, EvaluationTrigger> producer, KafkaClientMetrics meters) {
    this.producer = producer;
    this.meters = meters;
  }

  /**
   * Creates the producer (acks=all, idempotent, zstd) and runs {@code initTransactions}, which
   * fences any older producer with the same {@code transactional.id} and aborts (or completes) the
   * transaction it left open.
   *
   * @throws org.apache.kafka.common.KafkaException if the producer cannot be created or
   *     initialised; nothing is left open then
   */
  static TriggerProducer start(
      KafkaSettings kafka, String clientId, String transactionalId, SinkMetrics metrics) {
    Producer<String, EvaluationTrigger> created =
        new KafkaProducer<>(
            KafkaClients.transactionalProducer(kafka, clientId, transactionalId),
            new StringSerializer(),
            Topics.EVALUATION_TRIGGERS.valueSerde().serializer());
    try {
      created.initTransactions();
    } catch (RuntimeException e) {
      created.close();
      throw e;
    }
    return new TriggerProducer(created, metrics.bind(created));
  }

  void beginTransaction() {
    producer.beginTransaction();
  }

  /** Sends one trigger in the open transaction. */
  void send(EvaluationTrigger trigger) {
    String key = new TraceKey(trigger.getProjectId(), trigger.getTraceId()).toString();
    producer.send(new ProducerRecord<>(Topics.EVALUATION_TRIGGERS.name(), key, trigger));
  }

  /** Adds consumer offsets of a group to the open transaction. */
  void sendOffsetsToTransaction(
      Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
    producer.sendOffsetsToTransaction(offsets, group);
  }

  void commitTransaction() {
    producer.commitTransaction();
  }

  void abortTransaction() {
    producer.abortTransaction();
  }

  /** Closes the producer and unbinds its meters; failures are logged. */
  @Override
  public void close() {
    try {
      producer.close();
    } catch (RuntimeException e) {
      log.warn("Closing trigger producer failed", e);
    }
    meters.close();
  }

  /** True for errors after which a transactional producer (or its worker) can never succeed. */
  static boolean isFatal(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof ProducerFencedException
          || e instanceof FencedInstanceIdException
          || e instanceof OutOfOrderSequenceException
          || e instanceof AuthorizationException
          || e instanceof AuthenticationException
          || e instanceof UnsupportedVersionException) {
        return true;
      }
    }
    return false;
  }
}
