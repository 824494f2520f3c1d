package dev.tracefold.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.topic.Topics;
import java.util.Map;
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
}
