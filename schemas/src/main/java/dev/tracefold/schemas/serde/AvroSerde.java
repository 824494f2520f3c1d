package dev.tracefold.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for generated Avro records in Avro single-object encoding: the 2-byte marker {@code
 * C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema ({@link
 * SchemaNormalization#parsingFingerprint64}), then the Avro binary body (Avro specification,
 * "Single-object encoding"). Readers need no schema registry: a record written with a schema this
 * reader does not know fails with a {@link SerializationException} naming the fingerprint.
 *
 * <p>The bytes are those of Avro's {@code BinaryMessageEncoder}; the body goes through Avro's
 * buffered {@link BinaryEncoder} and array-backed {@link BinaryDecoder} instead of the message
 * API's unbuffered ("direct") ones, which move one byte per call: a span's decode is 10-25%
 * cheaper, its encode 0-10% (docs/decisions.md, "Avro: buffered encoder, array-backed decoder").
 *
 * <p>Thread-safe: Avro's datum readers and writers are safe for concurrent use; each thread keeps
 * its own encoder (with its 2 KiB buffer) and decoder for reuse, each holding on to the last record
 * it wrote or read until the thread's next call.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private static final byte MARKER_0 = (byte) 0xC3;
  private static final byte MARKER_1 = (byte) 0x01;

  /** Single-object header: marker (2 bytes) + schema fingerprint (8 bytes). */
  public static final int HEADER_BYTES = 10;

  private static final int INITIAL_BUFFER_BYTES = 512;
  private static final ThreadLocal<BinaryEncoder> ENCODER = new ThreadLocal<>();
  private static final ThreadLocal<BinaryDecoder> DECODER = new ThreadLocal<>();

  private final Class<T> type;
  private final long fingerprint;
  private final byte[] header;
  private final DatumWriter<T> writer;
  private final DatumReader<T> reader;

  @SuppressWarnings("unchecked")
  private AvroSerde(Class<T> type) {
    this.type = type;
    Schema schema = SpecificData.get().getSchema(type);
    this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    this.header = new byte[HEADER_BYTES];
    header[0] = MARKER_0;
    header[1] = MARKER_1;
    for (int i = 0; i < Long.BYTES; i++) {
      header[2 + i] = (byte) (fingerprint >>> (8 * i));
    }
    this.writer = (DatumWriter<T>) SpecificData.get().createDatumWriter(schema);
    this.reader = (DatumReader<T>) SpecificData.get().createDatumReader(schema);
  }

  private AvroSerde(AvroSerde<T> full, DatumReader<T> reader) {
    this.type = full.type;
    this.fingerprint = full.fingerprint;
    this.header = full.header;
    this.writer = full.writer;
    this.reader = reader;
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
   * Returns a serde that decodes only the fields of the record up to and including {@code
   * lastField}, in schema order, and skips the rest without materialising them (Avro schema
   * resolution against a reader schema of those leading fields): for a reader that needs a few
   * cheap fields of a record whose trailing fields (maps, texts) make up most of its decode. The
   * records it decodes have the skipped fields {@code null}, whatever their schema says, so they
   * are for reading the leading fields only: encoding one fails. It reads and checks the same
   * single-object header as this serde; encoding is this serde's.
   *
   * @param lastField the name of the last field to decode
   * @return a new serde; never null
   * @throws IllegalArgumentException if the schema has no field of that name
   */
  public AvroSerde<T> withFieldsUpTo(String lastField) {
    Schema schema = SpecificData.get().getSchema(type);
    Schema.Field last = schema.getField(lastField);
    if (last == null) {
      throw new IllegalArgumentException(type.getSimpleName() + " has no field " + lastField);
    }
    List<Schema.Field> leading = new ArrayList<>();
    for (Schema.Field field : schema.getFields().subList(0, last.pos() + 1)) {
      leading.add(new Schema.Field(field, field.schema()));
    }
    Schema projection =
        Schema.createRecord(
            schema.getName(), schema.getDoc(), schema.getNamespace(), schema.isError(), leading);
    return new AvroSerde<>(this, new SpecificDatumReader<>(schema, projection, SpecificData.get()));
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
      ByteArrayOutputStream out = new ByteArrayOutputStream(INITIAL_BUFFER_BYTES);
      out.write(header);
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, ENCODER.get());
      ENCODER.set(encoder);
      writer.write(record, encoder);
      encoder.flush();
      return out.toByteArray();
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
      checkHeader(bytes);
      BinaryDecoder decoder =
          DecoderFactory.get()
              .binaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES, DECODER.get());
      DECODER.set(decoder);
      return reader.read(null, decoder);
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

  /**
   * Tells whether a value starts with this serde's single-object header: the marker and the
   * fingerprint of the schema this serde writes.
   *
   * @param value a record value; must not be null
   * @return true if {@link #decode} reads the value with this serde's schema
   */
  public boolean hasHeader(byte[] value) {
    return value.length >= HEADER_BYTES
        && Arrays.equals(value, 0, HEADER_BYTES, header, 0, HEADER_BYTES);
  }

  private void checkHeader(byte[] bytes) throws IOException {
    if (hasHeader(bytes)) {
      return;
    }
    if (bytes.length < HEADER_BYTES || bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
      throw new IOException("not Avro single-object encoded (no C3 01 header)");
    }
    long written = 0;
    for (int i = Long.BYTES - 1; i >= 0; i--) {
      written = (written << 8) | (bytes[2 + i] & 0xFFL);
    }
    throw new IOException(
        "unknown writer schema fingerprint "
            + Long.toHexString(written)
            + " (this reader knows "
            + Long.toHexString(fingerprint)
            + ")");
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
