package dev.tracefold.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexedFieldsTest {
  @Test
  void longIndexedFieldsBecomeAPrefixAndADigestShortOnesStay() {
    Span span = span("s".repeat(6_000), "u-1", "m".repeat(300), List.of("eval", "t".repeat(3_000)));

    int shortened = IndexedFields.apply(span);

    assertThat(shortened).isEqualTo(3);
    assertThat(span.getSessionId()).hasSize(256).startsWith("s".repeat(239) + "~");
    assertThat(span.getUserId()).isEqualTo("u-1");
    assertThat(span.getModel()).hasSize(256);
    assertThat(span.getTags()).hasSize(2);
    assertThat(span.getTags().get(0)).isEqualTo("eval");
    assertThat(span.getTags().get(1).toString().getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(1_024);
    assertThat(span.getAttributes()).containsEntry("session.id", "s".repeat(6_000));
  }

  @Test
  void valuesSharingALongPrefixStayApartAndTheSameValueBoundsAlike() {
    String a = "x".repeat(400) + "a";
    String b = "x".repeat(400) + "b";

    assertThat(IndexedFields.bound(a)).isNotEqualTo(IndexedFields.bound(b));
    assertThat(IndexedFields.bound(a)).isEqualTo(IndexedFields.bound(new StringBuilder(a)));
    assertThat(IndexedFields.bound("x".repeat(256))).isEqualTo("x".repeat(256));
    // a surrogate pair across the cut is not split
    String emoji = "e".repeat(238) + "\uD83D\uDE00" + "e".repeat(100);
    assertThat(Character.isHighSurrogate(IndexedFields.bound(emoji).charAt(237))).isFalse();
  }

  private static Span span(String session, String user, String model, List<String> tags) {
    return Span.newBuilder()
        .setProjectId("p")
        .setTraceId("0af7651916cd43dd8448eb211c80319c")
        .setSpanId("b7ad6b7169203331")
        .setName("s")
        .setKind(SpanKind.LLM)
        .setStartEpochNanos(1)
        .setEndEpochNanos(2)
        .setStatus(SpanStatus.UNSET)
        .setSessionId(session)
        .setUserId(user)
        .setModel(model)
        .setTags(List.copyOf(tags))
        .setAttributes(Map.of("session.id", session))
        .build();
  }
}
