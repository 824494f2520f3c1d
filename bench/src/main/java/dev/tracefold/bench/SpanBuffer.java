package dev.tracefold.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The baseline's session aggregate: the encoded spans of one trace session and the wall-clock
 * arrival of its first and last span. Immutable; {@link #add} and {@link #merge} return new
 * buffers.
 *
 * <p>Wire format ({@link #SERDE}): first arrival (8 bytes), last arrival (8), span count (4), then
 * per span its length (4) and its bytes, all big-endian.
 *
 * @param firstArrivalEpochMillis wall clock when the first span was aggregated; {@code
 *     Long.MAX_VALUE} when empty
 * @param lastArrivalEpochMillis wall clock when the latest span was aggregated; {@code
 *     Long.MIN_VALUE} when empty
 * @param spans Avro single-object encoded spans, in arrival order
 */
record SpanBuffer(long firstArrivalEpochMillis, long lastArrivalEpochMillis, List<byte[]> spans) {
  /** Serde of {@link SpanBuffer}; null stays null. */
  static final Serde<SpanBuffer> SERDE =
      Serdes.serdeFrom(
          (topic, buffer) -> buffer == null ? null : buffer.encode(),
          (topic, bytes) -> bytes == null ? null : decode(bytes));

  SpanBuffer {
    spans = List.copyOf(spans);
  }

  static SpanBuffer empty() {
    return new SpanBuffer(Long.MAX_VALUE, Long.MIN_VALUE, List.of());
  }

  SpanBuffer add(byte[] span, long arrivalEpochMillis) {
    List<byte[]> more = new ArrayList<>(spans.size() + 1);
    more.addAll(spans);
    more.add(span);
    return new SpanBuffer(
        Math.min(firstArrivalEpochMillis, arrivalEpochMillis),
        Math.max(lastArrivalEpochMillis, arrivalEpochMillis),
        more);
  }

  SpanBuffer merge(SpanBuffer other) {
    List<byte[]> all = new ArrayList<>(spans.size() + other.spans.size());
    all.addAll(spans);
    all.addAll(other.spans);
    return new SpanBuffer(
        Math.min(firstArrivalEpochMillis, other.firstArrivalEpochMillis),
        Math.max(lastArrivalEpochMillis, other.lastArrivalEpochMillis),
        all);
  }

  private byte[] encode() {
    int size = 20 + spans.stream().mapToInt(s -> 4 + s.length).sum();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(size);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(firstArrivalEpochMillis);
      out.writeLong(lastArrivalEpochMillis);
      out.writeInt(spans.size());
      for (byte[] span : spans) {
        out.writeInt(span.length);
        out.write(span);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static SpanBuffer decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      long first = in.readLong();
      long last = in.readLong();
      int count = in.readInt();
      List<byte[]> spans = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        byte[] span = new byte[in.readInt()];
        in.readFully(span);
        spans.add(span);
      }
      return new SpanBuffer(first, last, spans);
    } catch (IOException e) {
      throw new UncheckedIOException("Not a SpanBuffer (" + bytes.length + " bytes)", e);
    }
  }
}
