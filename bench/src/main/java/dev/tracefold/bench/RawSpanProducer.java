package dev.tracefold.bench;

import dev.tracefold.gateway.ingest.KafkaSpanProducers;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.schemas.topic.TraceKey;
import dev.tracefold.service.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongPredicate;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raw Kafka ceiling of the ingest gateway: Avro {@link Span} records produced straight to
 * {@code tracefold.spans}, keyed by {@link TraceKey} as the gateway keys them, with the gateway's
 * own producer ({@link KafkaSpanProducers#create}: acks=all, idempotent, zstd, linger 5 ms), from
 * several sending threads sharing it. Serialisation and compression run in the sending threads, as
 * in the gateway. Stateless.
 */
final class RawSpanProducer {
  private static final Logger log = LoggerFactory.getLogger(RawSpanProducer.class);

  /**
   * The measured part of a run.
   *
   * @param spans spans produced and acknowledged
   * @param nanos from the first send until the last acknowledgement (flush), ns
   * @param threads sending threads
   * @param cpu CPU of this JVM meanwhile
   */
  record Result(long spans, long nanos, int threads, CpuMeter.Usage cpu) {
    double spansPerSecond() {
      return spans * 1e9 / nanos;
    }
  }

  private RawSpanProducer() {}

  /**
   * Sends spans for {@code warmup} (not measured), then exactly {@code measuredSpans} more, cycling
   * through {@code spans}.
   *
   * @param kafka where {@code tracefold.spans} is
   * @param spans the records to send, normalised as the gateway produces them; not empty
   * @param warmup how long to send before measuring
   * @param measuredSpans spans of the measured part, at least 1
   * @param threads sending threads, at least 1
   * @param cpu measures the measured part's CPU
   * @throws IllegalStateException if Kafka refused a record
   */
  static Result run(
      KafkaSettings kafka,
      List<Span> spans,
      Duration warmup,
      long measuredSpans,
      int threads,
      CpuMeter cpu) {
    List<String> keys = new ArrayList<>(spans.size());
    spans.forEach(
        span -> keys.add(new TraceKey(span.getProjectId(), span.getTraceId()).toString()));
    AtomicReference<Exception> failure = new AtomicReference<>();
    Callback callback =
        (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
        };
    try (KafkaProducer<String, Span> producer =
        KafkaSpanProducers.create(kafka, Duration.ofSeconds(30))) {
      long warmupEnd = System.nanoTime() + warmup.toNanos();
      long warmedUp =
          sendInParallel(
              threads,
              index -> System.nanoTime() < warmupEnd,
              producer,
              spans,
              keys,
              callback,
              Long.MAX_VALUE);
      producer.flush();
      log.info("Raw producer: warm-up sent {} spans; measuring {} spans", warmedUp, measuredSpans);
      cpu.start();
      long start = System.nanoTime();
      sendInParallel(threads, index -> true, producer, spans, keys, callback, measuredSpans);
      producer.flush();
      long nanos = System.nanoTime() - start;
      CpuMeter.Usage usage = cpu.stop();
      if (failure.get() != null) {
        throw new IllegalStateException("Kafka refused a span: " + failure.get(), failure.get());
      }
      return new Result(measuredSpans, nanos, threads, usage);
    }
  }

  /**
   * While {@code more} holds and fewer than {@code limit} were sent in all, sends; returns how many
   * were sent.
   */
  private static long sendInParallel(
      int threads,
      LongPredicate more,
      KafkaProducer<String, Span> producer,
      List<Span> spans,
      List<String> keys,
      Callback callback,
      long limit) {
    AtomicLong next = new AtomicLong();
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread sender =
          new Thread(
              () -> {
                for (long index = next.getAndIncrement();
                    index < limit && more.test(index);
                    index = next.getAndIncrement()) {
                  int i = (int) (index % spans.size());
                  try {
                    producer.send(
                        new ProducerRecord<>(Topics.SPANS.name(), keys.get(i), spans.get(i)),
                        callback);
                  } catch (RuntimeException e) {
                    callback.onCompletion(null, e);
                    return;
                  }
                }
              },
              "bench-raw-sender-" + t);
      senders.add(sender);
      sender.start();
    }
    for (Thread sender : senders) {
      try {
        sender.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted", e);
      }
    }
    return next.get() - threads; // each thread drew one index it did not send
  }
}
