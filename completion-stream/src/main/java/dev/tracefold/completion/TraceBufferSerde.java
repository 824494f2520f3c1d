package dev.tracefold.completion;

import dev.tracefold.completion.state.TraceBuffer;
import dev.tracefold.completion.state.TracePhase;
import dev.tracefold.schemas.serde.AvroSerde;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of the {@code trace-states} values: {@link TraceBuffer} in a fixed 43-byte layout (format
 * byte {@code 1}, then phase ordinal, revision, opened, last arrival, deadline, span count, span
 * bytes, partial; big-endian), read and written on every span, where Avro's encoder cost more than
 * the rest of the state update. Values written by earlier versions in Avro single-object encoding
 * (first byte {@code 0xC3}) are still read. Stateless; thread-safe.
 */
final class TraceBufferSerde implements Serde<TraceBuffer> {
  private static final byte FORMAT = 1;
  private static final int BYTES = 1 + 1 + 4 + 8 + 8 + 8 + 4 + 8 + 1;
  private static final AvroSerde<TraceBuffer> LEGACY = AvroSerde.of(TraceBuffer.class);
  private static final TracePhase[] PHASES = TracePhase.values();

  static byte[] encode(TraceBuffer buffer) {
    return ByteBuffer.allocate(BYTES)
        .put(FORMAT)
        .put((byte) buffer.getPhase().ordinal())
        .putInt(buffer.getRevision())
        .putLong(buffer.getOpenedEpochMillis())
        .putLong(buffer.getLastArrivalEpochMillis())
        .putLong(buffer.getDeadlineEpochMillis())
        .putInt(buffer.getSpanCount())
        .putLong(buffer.getSpanBytes())
        .put((byte) (buffer.getPartial() ? 1 : 0))
        .array();
  }

  /**
   * @throws SerializationException if the bytes are neither format
   */
  static TraceBuffer decode(byte[] bytes) {
    if (bytes.length > 0 && (bytes[0] & 0xff) == 0xC3) {
      return LEGACY.decode(bytes);
    }
    if (bytes.length != BYTES || bytes[0] != FORMAT) {
      throw new SerializationException("Not a trace state (" + bytes.length + " bytes)");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 1, BYTES - 1);
    return TraceBuffer.newBuilder()
        .setPhase(PHASES[in.get()])
        .setRevision(in.getInt())
        .setOpenedEpochMillis(in.getLong())
        .setLastArrivalEpochMillis(in.getLong())
        .setDeadlineEpochMillis(in.getLong())
        .setSpanCount(in.getInt())
        .setSpanBytes(in.getLong())
        .setPartial(in.get() != 0)
        .build();
  }

  @Override
  public Serializer<TraceBuffer> serializer() {
    return (topic, buffer) -> buffer == null ? null : encode(buffer);
  }

  @Override
  public Deserializer<TraceBuffer> deserializer() {
    return (topic, bytes) -> bytes == null ? null : decode(bytes);
  }
}
