package dev.tracefold.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.schemas.rollup.TraceRollups;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TriggersTest {
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

  @Test
  void triggerIdIsTheVersion3UuidOfRuleProjectTraceAndRevision() throws Exception {
    String id = Triggers.triggerId("all-completed-traces", "p1", TRACE_ID, 2);

    // recompute by hand: MD5 of the UTF-8 name, version nibble 3, RFC 4122 variant
    byte[] md5 =
        MessageDigest.getInstance("MD5")
            .digest(
                ("all-completed-traces/p1/" + TRACE_ID + "/2").getBytes(StandardCharsets.UTF_8));
    md5[6] = (byte) ((md5[6] & 0x0f) | 0x30);
    md5[8] = (byte) ((md5[8] & 0x3f) | 0x80);
    String hex = HexFormat.of().formatHex(md5);
    String expected =
        hex.substring(0, 8)
            + "-"
            + hex.substring(8, 12)
            + "-"
            + hex.substring(12, 16)
            + "-"
            + hex.substring(16, 20)
            + "-"
            + hex.substring(20);
    assertThat(id).isEqualTo(expected);
    assertThat(id.charAt(14)).isEqualTo('3');
  }

  @Test
  void triggerIdDiffersPerRevisionProjectAndRule() {
    String id = Triggers.triggerId("all-completed-traces", "p1", TRACE_ID, 1);

    assertThat(Triggers.triggerId("all-completed-traces", "p1", TRACE_ID, 1)).isEqualTo(id);
    assertThat(Triggers.triggerId("all-completed-traces", "p1", TRACE_ID, 2)).isNotEqualTo(id);
    assertThat(Triggers.triggerId("all-completed-traces", "p2", TRACE_ID, 1)).isNotEqualTo(id);
    assertThat(Triggers.triggerId("other-rule", "p1", TRACE_ID, 1)).isNotEqualTo(id);
  }

  @Test
  void aRuleTriggerCarriesTheRuleRevisionRollupPositionAndApiPath() {
    Span span =
        Span.newBuilder()
            .setProjectId("p1")
            .setTraceId(TRACE_ID)
            .setSpanId("b7ad6b7169203331")
            .setName("agent")
            .setKind(SpanKind.AGENT)
            .setStartEpochNanos(1L)
            .setEndEpochNanos(2L)
            .setStatus(SpanStatus.OK)
            .build();
    TraceRollup rollup = TraceRollups.compute("p1", TRACE_ID, List.of(span));

    EvaluationTrigger trigger =
        Triggers.of(
            "rule-1",
            rollup,
            3,
            new Triggers.RecordPosition("tracefold.traces.completed", 4, 17L),
            1234L);

    assertThat(trigger.getTriggerId()).isEqualTo(Triggers.triggerId("rule-1", "p1", TRACE_ID, 3));
    assertThat(trigger.getRuleId()).isEqualTo("rule-1");
    assertThat(trigger.getProjectId()).isEqualTo("p1");
    assertThat(trigger.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(trigger.getRevision()).isEqualTo(3);
    assertThat(trigger.getFiredEpochMillis()).isEqualTo(1234L);
    assertThat(trigger.getRollup()).isEqualTo(rollup);
    assertThat(trigger.getCompletedTopic()).isEqualTo("tracefold.traces.completed");
    assertThat(trigger.getCompletedPartition()).isEqualTo(4);
    assertThat(trigger.getCompletedOffset()).isEqualTo(17L);
    assertThat(trigger.getApiPath()).isEqualTo("/api/v1/traces/" + TRACE_ID);
  }
}
