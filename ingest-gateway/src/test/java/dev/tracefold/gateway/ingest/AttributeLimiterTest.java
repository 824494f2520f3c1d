package dev.tracefold.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanEvent;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributeLimiterTest {
  private final AttributeLimiter limiter =
      new AttributeLimiter(IngestLimits.defaults().withAttributeLimits(3, 5));

  @Test
  void keepsTheFirstAttributesAndCountsTheDroppedOnes() {
    Span span = span(ordered("a", 1L, "b", true, "c", 2.5, "d", "x", "e", null));

    AttributeLimiter.Cut cut = limiter.apply(span);

    assertThat(cut).isEqualTo(new AttributeLimiter.Cut(2, 0));
    assertThat(span.getAttributes())
        .containsExactly(
            Map.entry("a", 1L),
            Map.entry("b", true),
            Map.entry("c", 2.5),
            Map.entry(AttributeLimiter.DROPPED_KEY, 2L));
  }

  @Test
  void truncatesLongStringsAndCountsThem() {
    Span span = span(ordered("short", "abcde", "long", "abcdefgh", "json", "[\"a\",\"b\"]"));

    AttributeLimiter.Cut cut = limiter.apply(span);

    assertThat(cut).isEqualTo(new AttributeLimiter.Cut(0, 2));
    assertThat(span.getAttributes())
        .containsExactly(
            Map.entry("short", "abcde"),
            Map.entry("long", "abcde"),
            Map.entry("json", "[\"a\","),
            Map.entry(AttributeLimiter.TRUNCATED_KEY, 2L));
  }

  /** Issue #12: resource attributes, copied into every span of the resource, were not limited. */
  @Test
  void limitsResourceAttributesLikeSpanAttributes() {
    Span span = span(ordered("short", "abc"));
    span.setResourceAttributes(ordered("service.name", "svc", "huge", "x".repeat(500_000)));

    AttributeLimiter.Cut cut = limiter.apply(span);

    assertThat(cut).isEqualTo(new AttributeLimiter.Cut(0, 1));
    assertThat(span.getResourceAttributes())
        .containsExactly(
            Map.entry("service.name", "svc"),
            Map.entry("huge", "xxxxx"),
            Map.entry(AttributeLimiter.TRUNCATED_KEY, 1L));
    assertThat(span.getAttributes()).containsExactly(Map.entry("short", "abc"));
  }

  /**
   * Issue #12: input and output are derived from attributes before those are limited, so a 600 KB
   * {@code input.value} was stored twice, once uncut, in the span's input.
   */
  @Test
  void cutsTheDerivedInputAndOutputToTheirOwnLimit() {
    AttributeLimiter bounded =
        new AttributeLimiter(IngestLimits.defaults().withMaxInputOutputLength(10));
    Span span = span(ordered("input.value", "q".repeat(600_000)));
    span.setInput("q".repeat(600_000));
    span.setOutput("short answer"); // 12 characters
    Span small = span(ordered("a", "b"));
    small.setInput("0123456789");

    assertThat(bounded.apply(span)).isEqualTo(new AttributeLimiter.Cut(0, 3));
    assertThat(span.getInput()).isEqualTo("qqqqqqqqqq");
    assertThat(span.getOutput()).isEqualTo("short answ");
    assertThat(span.getAttributes().get("input.value").toString()).hasSize(8192);
    assertThat(bounded.apply(small)).isEqualTo(new AttributeLimiter.Cut(0, 0));
    assertThat(small.getInput()).isEqualTo("0123456789");
  }

  @Test
  void neverSplitsASurrogatePair() {
    Span span = span(ordered("emoji", "abcd\uD83D\uDE00z"));

    limiter.apply(span);

    assertThat(span.getAttributes()).containsEntry("emoji", "abcd");
  }

  @Test
  void limitsEventAttributesOnTheirOwnMap() {
    Span span = span(ordered("a", "ok"));
    span.setEvents(
        List.of(
            SpanEvent.newBuilder()
                .setName("e")
                .setTimeEpochNanos(1)
                .setAttributes(ordered("k1", "1", "k2", "2", "k3", "3", "k4", "toolong"))
                .build()));

    AttributeLimiter.Cut cut = limiter.apply(span);

    assertThat(cut).isEqualTo(new AttributeLimiter.Cut(1, 0));
    assertThat(span.getAttributes()).containsExactly(Map.entry("a", "ok"));
    assertThat(span.getEvents().get(0).getAttributes())
        .containsExactly(
            Map.entry("k1", "1"),
            Map.entry("k2", "2"),
            Map.entry("k3", "3"),
            Map.entry(AttributeLimiter.DROPPED_KEY, 1L));
  }

  @Test
  void leavesSpansWithinTheLimitsUntouched() {
    Map<String, Object> attributes = ordered("a", "12345", "b", 2L, "c", null);
    Span span = span(attributes);

    assertThat(limiter.apply(span)).isEqualTo(new AttributeLimiter.Cut(0, 0));
    assertThat(span.getAttributes()).isSameAs(attributes);
  }

  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static Span span(Map<String, Object> attributes) {
    return Span.newBuilder()
        .setProjectId("p")
        .setTraceId("0af7651916cd43dd8448eb211c80319c")
        .setSpanId("b7ad6b7169203331")
        .setName("s")
        .setKind(SpanKind.OTHER)
        .setStartEpochNanos(1)
        .setEndEpochNanos(2)
        .setStatus(SpanStatus.UNSET)
        .setAttributes(attributes)
        .build();
  }
}
