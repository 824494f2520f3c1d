package dev.tracefold.completion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.completion.state.TraceBuffer;
import dev.tracefold.completion.state.TracePhase;
import dev.tracefold.schemas.serde.AvroSerde;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class TraceBufferSerdeTest {
  private static TraceBuffer buffer(TracePhase phase, boolean partial) {
    return TraceBuffer.newBuilder().setPhase(phase).setRevision(7).setOpenedEpochMillis(1_764_000_000_000L)
        .setLastArrivalEpochMillis(1_764_000_001_234L).setDeadlineEpochMillis(Long.MAX_VALUE)
        .setSpanCount(10_000).setSpanBytes(5L << 30).setPartial(partial).build();
  }

  @Test
  void roundTripsEveryPhase() {
    for (TracePhase phase : TracePhase.values()) {
      for (boolean partial : new boolean[] {false, true}) {
        TraceBuffer buffer = buffer(phase, partial);
        assertThat(TraceBufferSerde.decode(TraceBufferSerde.encode(buffer))).isEqualTo(buffer);
      }
    }
  }

  @Test
  void readsStatesWrittenInAvroByEarlierVersions() {
    TraceBuffer buffer = buffer(TracePhase.COMPLETED, true);
    assertThat(TraceBufferSerde.decode(AvroSerde.of(TraceBuffer.class).encode(buffer))).isEqualTo(buffer);
  }

  @Test
  void refusesOtherBytes() {
    assertThatThrownBy(() -> TraceBufferSerde.decode(new byte[] {1, 2, 3}))
        .isInstanceOf(SerializationException.class).hasMessage("Not a trace state (3 bytes)");
  }
}
