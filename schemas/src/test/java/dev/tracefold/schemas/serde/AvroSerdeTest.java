package dev.tracefold.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
  private final Span span =
      Span.newBuilder()
          .setProjectId("p1")
          .setTraceId("0af7651916cd43dd8448eb211c80319c")
          .setSpanId("b7ad6b7169203331")
          .setName("chat gpt-4o")
          .setKind(SpanKind.LLM)
          .setStartEpochNanos(1L)
          .setEndEpochNanos(2L)
          .setStatus(SpanStatus.OK)
          .setAttributes(Map.of("gen_ai.usage.input_tokens", 12L, "flag", true))
          .build();

  @Test
  void roundTripsWithSingleObjectHeader() {
    byte[] bytes = Topics.SPANS.valueSerde().serializer().serialize("t", span);
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(Topics.SPANS.valueSerde().deserializer().deserialize("t", bytes)).isEqualTo(span);
  }

  @Test
  void garbageFailsWithSerializationExceptionNamingTheType() {
    assertThatThrownBy(() -> AvroSerde.of(Span.class).decode(new byte[] {1, 2, 3}))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("Cannot decode Span (3 bytes): ");
  }

  @Test
  void writesAndReadsTheBytesOfAvrosMessageEncoder() throws Exception {
    ByteBuffer avro =
        new BinaryMessageEncoder<Span>(SpecificData.get(), Span.getClassSchema()).encode(span);
    byte[] expected = new byte[avro.remaining()];
    avro.get(expected);

    byte[] ours = AvroSerde.of(Span.class).encode(span);

    assertThat(ours).isEqualTo(expected);
    assertThat(
            new BinaryMessageDecoder<Span>(SpecificData.get(), Span.getClassSchema()).decode(ours))
        .isEqualTo(span);
    assertThat(AvroSerde.of(Span.class).decode(expected)).isEqualTo(span);
  }

  @Test
  void aProjectionDecodesTheLeadingFieldsAndSkipsTheRest() {
    AvroSerde<Span> leading = AvroSerde.of(Span.class).withFieldsUpTo("status");
    byte[] bytes = AvroSerde.of(Span.class).encode(span);

    Span decoded = leading.decode(bytes);

    assertThat(decoded.getSpanId()).isEqualTo(span.getSpanId());
    assertThat(decoded.getStatus()).isEqualTo(SpanStatus.OK);
    assertThat(decoded.getStatusMessage()).isNull();
    assertThat(decoded.getAttributes()).isNull();
    assertThat(decoded.getSource()).isNull();
    assertThatThrownBy(() -> leading.decode(Arrays.copyOf(bytes, bytes.length - 3)))
        .as("the fields skipped are parsed too")
        .isInstanceOf(SerializationException.class);
    bytes[5] ^= 0x40;
    assertThatThrownBy(() -> leading.decode(bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown writer schema fingerprint");
    assertThatThrownBy(() -> AvroSerde.of(Span.class).withFieldsUpTo("nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Span has no field nope");
  }

  @Test
  void aValueOfAnotherSchemaFailsNamingItsFingerprint() {
    byte[] trigger = AvroSerde.of(Span.class).encode(span);
    trigger[5] ^= 0x40;

    assertThat(AvroSerde.of(Span.class).hasHeader(trigger)).isFalse();
    assertThatThrownBy(() -> AvroSerde.of(Span.class).decode(trigger))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown writer schema fingerprint");
  }

  @Test
  void aTruncatedValueFails() {
    byte[] bytes = AvroSerde.of(Span.class).encode(span);

    assertThatThrownBy(
            () -> AvroSerde.of(Span.class).decode(Arrays.copyOf(bytes, bytes.length - 3)))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("Cannot decode Span (");
  }
}
