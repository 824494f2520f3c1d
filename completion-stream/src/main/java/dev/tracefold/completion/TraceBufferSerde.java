package dev.tracefold.completion;

import dev.tracefold.completion.state.TraceBuffer;
import dev.tracefold.completion.state.TracePhase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of the {@code trace-states} values: {@link TraceBuffer} in a fixed 59-byte layout (format
 * byte {@code 1}, then phase ordinal, revision, opened, last arrival, deadline, span count, span
 * bytes, partial, root arrival, root-checked span count, document span count; big-endian), read and
 * written on every span, where Avro's encoder cost more than the rest of the state update. Values
 * written by earlier versions in Avro single-object encoding (first byte {@code 0xC3}, the schema
 * of {@code TraceBuffer-v1.avsc}) are still read. Stateless; thread-safe.
 */
final class TraceBufferSerde implements Serde<TraceBuffer> {
  private static final byte FORMAT = 1;
  private static final int BYTES = 1 + 1 + 4 + 8 + 8 + 8 + 4 + 8 + 1 + 8 + 4 + 4;
  private static final BinaryMessageDecoder<TraceBuffer> LEGACY = legacyDecoder();
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
        .putLong(buffer.getRootArrivalEpochMillis())
        .putInt(buffer.getRootCheckedSpanCount())
        .putInt(buffer.getDocumentSpanCount())
        .array();
  }

  /**
   * @throws SerializationException if the bytes are neither format
   */
  static TraceBuffer decode(byte[] bytes) {
    if (bytes.length > 0 && (bytes[0] & 0xff) == 0xC3) {
      try {
        return LEGACY.decode(bytes);
      } catch (IOException | RuntimeException e) {
        throw new SerializationException("Cannot decode an Avro trace state: " + e.getMessage(), e);
      }
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
        .setRootArrivalEpochMillis(in.getLong())
        .setRootCheckedSpanCount(in.getInt())
        .setDocumentSpanCount(in.getInt())
        .build();
  }

  /** Decodes the Avro states of earlier versions (schema v1) into the current class. */
  private static BinaryMessageDecoder<TraceBuffer> legacyDecoder() {
    try (InputStream v1 = TraceBufferSerde.class.getResourceAsStream("TraceBuffer-v1.avsc")) {
      BinaryMessageDecoder<TraceBuffer> decoder =
          new BinaryMessageDecoder<>(SpecificData.get(), TraceBuffer.getClassSchema());
      decoder.addSchema(new Schema.Parser().parse(v1));
      return decoder;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read TraceBuffer-v1.avsc", e);
    }
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
