package dev.tracefold.completion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.completion.state.TraceBuffer;
import dev.tracefold.completion.state.TracePhase;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class TraceBufferSerdeTest {
  private static TraceBuffer buffer(TracePhase phase, boolean partial) {
    return TraceBuffer.newBuilder()
        .setPhase(phase)
        .setRevision(7)
        .setOpenedEpochMillis(1_764_000_000_000L)
        .setLastArrivalEpochMillis(1_764_000_001_234L)
        .setDeadlineEpochMillis(Long.MAX_VALUE)
        .setSpanCount(10_000)
        .setSpanBytes(5L << 30)
        .setPartial(partial)
        .setRootArrivalEpochMillis(1_764_000_000_500L)
        .setRootCheckedSpanCount(12)
        .setDocumentSpanCount(40)
        .build();
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
  void readsStatesWrittenInAvroByEarlierVersions() throws Exception {
    org.apache.avro.Schema v1 =
        new org.apache.avro.Schema.Parser()
            .parse(TraceBufferSerde.class.getResourceAsStream("TraceBuffer-v1.avsc"));
    org.apache.avro.generic.GenericRecord old = new org.apache.avro.generic.GenericData.Record(v1);
    old.put(
        "phase",
        new org.apache.avro.generic.GenericData.EnumSymbol(
            v1.getField("phase").schema(), "COMPLETED"));
    old.put("revision", 7);
    old.put("openedEpochMillis", 1L);
    old.put("lastArrivalEpochMillis", 2L);
    old.put("deadlineEpochMillis", 3L);
    old.put("spanCount", 4);
    old.put("spanBytes", 5L);
    old.put("partial", true);
    byte[] bytes =
        new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                org.apache.avro.generic.GenericData.get(), v1)
            .encode(old)
            .array();
    TraceBuffer read = TraceBufferSerde.decode(bytes);
    assertThat(read.getPhase()).isEqualTo(TracePhase.COMPLETED);
    assertThat(read.getSpanBytes()).isEqualTo(5L);
    assertThat(read.getPartial()).isTrue();
    assertThat(read.getRootArrivalEpochMillis()).isEqualTo(Long.MIN_VALUE);
    assertThat(read.getRootCheckedSpanCount()).isEqualTo(-1);
    assertThat(read.getDocumentSpanCount()).isZero();
  }

  @Test
  void refusesOtherBytes() {
    assertThatThrownBy(() -> TraceBufferSerde.decode(new byte[] {1, 2, 3}))
        .isInstanceOf(SerializationException.class)
        .hasMessage("Not a trace state (3 bytes)");
  }
}
