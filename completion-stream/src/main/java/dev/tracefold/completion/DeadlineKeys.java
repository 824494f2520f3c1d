package dev.tracefold.completion;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys of the {@code trace-deadlines} store: the deadline as 8 big-endian bytes followed by the
 * UTF-8 trace key. RocksDB orders keys by unsigned bytes, so for non-negative epoch milliseconds
 * the store iterates in deadline order and a range scan up to "now" visits exactly the due traces.
 */
final class DeadlineKeys {
  private DeadlineKeys() {}

  static Bytes of(long deadlineEpochMillis, String traceKey) {
    byte[] key = traceKey.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(
        ByteBuffer.allocate(Long.BYTES + key.length).putLong(deadlineEpochMillis).put(key).array());
  }

  /**
   * The smallest key whose deadline is {@code deadlineEpochMillis}: an upper bound for "due before
   * it".
   */
  static Bytes bound(long deadlineEpochMillis) {
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(deadlineEpochMillis).array());
  }

  /** The deadline of a key, epoch ms. */
  static long deadline(Bytes key) {
    return ByteBuffer.wrap(key.get()).getLong();
  }

  static String traceKey(Bytes key) {
    byte[] bytes = key.get();
    return new String(bytes, Long.BYTES, bytes.length - Long.BYTES, StandardCharsets.UTF_8);
  }
}
