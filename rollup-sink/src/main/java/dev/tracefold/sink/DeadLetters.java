package dev.tracefold.sink;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Sends records that cannot be stored to a dead-letter topic: the original key and value bytes, the
 * original headers, then these headers (UTF-8 text):
 *
 * <ul>
 *   <li>{@value #ERROR_CLASS}: the exception class name, e.g. {@code
 *       org.apache.kafka.common.errors.SerializationException}
 *   <li>{@value #ERROR_MESSAGE}: its message (at most {@value #MAX_MESSAGE_CHARS} characters)
 *   <li>{@value #SOURCE_TOPIC}, {@value #SOURCE_PARTITION}, {@value #SOURCE_OFFSET}: where the
 *       record was read (partition and offset in decimal)
 * </ul>
 *
 * <p>Thread-safe if the producer is (Kafka's is).
 */
final class DeadLetters {
  static final String ERROR_CLASS = "tracefold.error.class";
  static final String ERROR_MESSAGE = "tracefold.error.message";
  static final String SOURCE_TOPIC = "tracefold.source.topic";
  static final String SOURCE_PARTITION = "tracefold.source.partition";
  static final String SOURCE_OFFSET = "tracefold.source.offset";
  static final int MAX_MESSAGE_CHARS = 4096;

  private final Producer<byte[], byte[]> producer;
  private final String topic;

  DeadLetters(Producer<byte[], byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  /** Sends one dead letter; the future completes when Kafka acknowledged it. */
  Future<RecordMetadata> send(ConsumerRecord<byte[], byte[]> record, Throwable error) {
    Headers headers = new RecordHeaders();
    for (Header header : record.headers()) {
      headers.add(header);
    }
    String message = String.valueOf(error.getMessage());
    if (message.length() > MAX_MESSAGE_CHARS) {
      message = message.substring(0, MAX_MESSAGE_CHARS);
    }
    headers.add(ERROR_CLASS, utf8(error.getClass().getName()));
    headers.add(ERROR_MESSAGE, utf8(message));
    headers.add(SOURCE_TOPIC, utf8(record.topic()));
    headers.add(SOURCE_PARTITION, utf8(Integer.toString(record.partition())));
    headers.add(SOURCE_OFFSET, utf8(Long.toString(record.offset())));
    return producer.send(new ProducerRecord<>(topic, null, record.key(), record.value(), headers));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
