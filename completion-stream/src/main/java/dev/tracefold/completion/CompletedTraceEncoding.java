package dev.tracefold.completion;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.serde.AvroSerde;
import dev.tracefold.schemas.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryData;

/**
 * Encodes a {@link CompletedTrace} (Avro single-object encoding, as {@link AvroSerde} does) from
 * the spans' record values as buffered, without re-encoding the spans: the trace is encoded with an
 * empty {@code spans} array, the last field, and the array is then written from the spans' Avro
 * bodies (each buffered value minus its 10-byte single-object header). The bytes are exactly those
 * {@code AvroSerde.encode} would produce for the trace with its spans.
 *
 * <p>Stateless; thread-safe.
 */
final class CompletedTraceEncoding {
  private static final AvroSerde<CompletedTrace> COMPLETED_SERDE =
      (AvroSerde<CompletedTrace>) Topics.COMPLETED_TRACES.valueSerde();

  private static final AvroSerde<Span> SPAN_SERDE = (AvroSerde<Span>) Topics.SPANS.valueSerde();

  static {
    List<Schema.Field> fields = CompletedTrace.getClassSchema().getFields();
    if (!fields.get(fields.size() - 1).name().equals("spans")) {
      throw new ExceptionInInitializerError("CompletedTrace.spans must be the schema's last field");
    }
  }

  private CompletedTraceEncoding() {}

  /**
   * Encodes a completed trace.
   *
   * @param withoutSpans the trace with every field set and {@code spans} empty
   * @param values the spans' record values (single-object encoding with the current {@link Span}
   *     schema, as every span that decodes has), in the order the array must hold them
   * @return the single-object encoding of the trace with those spans
   * @throws IllegalArgumentException if a value was written with another schema
   */
  static byte[] encode(CompletedTrace withoutSpans, List<byte[]> values) {
    byte[] prefix = COMPLETED_SERDE.encode(withoutSpans);
    // an empty array is encoded as the single byte 0 (a block of count 0): replace it
    ByteArrayOutputStream out = new ByteArrayOutputStream(prefix.length + total(values) + 16);
    out.write(prefix, 0, prefix.length - 1);
    if (!values.isEmpty()) {
      byte[] count = new byte[10];
      out.write(count, 0, BinaryData.encodeLong(values.size(), count, 0));
      for (byte[] value : values) {
        if (!SPAN_SERDE.hasHeader(value)) {
          throw new IllegalArgumentException(
              "A span value not written with the current Span schema");
        }
        out.write(value, AvroSerde.HEADER_BYTES, value.length - AvroSerde.HEADER_BYTES);
      }
    }
    out.write(0);
    return out.toByteArray();
  }

  private static int total(List<byte[]> values) {
    int bytes = 0;
    for (byte[] value : values) {
      bytes += value.length;
    }
    return bytes;
  }
}
