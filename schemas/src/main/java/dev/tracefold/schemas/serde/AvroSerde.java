package dev.tracefold.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for generated Avro records in Avro single-object encoding: the 2-byte marker {@code
 * C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema, then the Avro
 * binary body (Avro specification, "Single-object encoding"). Readers need no schema registry: a
 * record written with a schema this reader does not know fails with a {@link
 * SerializationException} naming the fingerprint problem.
 *
 * <p>Thread-safe: Avro's message encoder and decoder are safe for concurrent use.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final Class<T> type;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  private AvroSerde(Class<T> type) {
    this.type = type;
    Schema schema = SpecificData.get().getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
    this.decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema);
  }

  /**
   * Returns a serde for a generated Avro class.
   *
   * @param type the generated class, e.g. {@code Span.class}
   * @return a new serde; never null
   */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(Objects.requireNonNull(type, "type"));
  }

  /**
   * Encodes one record.
   *
   * @param record the record; must not be null
   * @return single-object encoded bytes
   * @throws SerializationException if the record does not match its schema
   */
  public byte[] encode(T record) {
    Objects.requireNonNull(record, "record");
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes one record.
   *
   * @param bytes single-object encoded bytes; must not be null
   * @return the record
   * @throws SerializationException if the bytes are not single-object encoded, carry an unknown
   *     schema fingerprint, or are truncated
   */
  public T decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    try {
      return decoder.decode(bytes);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Cannot decode "
              + type.getSimpleName()
              + " ("
              + bytes.length
              + " bytes): "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, record) -> record == null ? null : encode(record);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> bytes == null ? null : decode(bytes);
  }
}
