package dev.tracefold.gateway.nativejson;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceIdsTest {
  private static final String HASHED_TRACE =
      "670c0f140bf357e6d99293ad6cf0d246"; // SHA-256("my-trace")

  @Test
  void keepsHexTraceIdsAndUuidsAndHashesEverythingElse() {
    assertThat(TraceIds.traceId("0AF7651916CD43DD8448EB211C80319C"))
        .isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(TraceIds.traceId("3f2b8c1e-9d4a-4b7e-8f60-1c2d3e4f5a6b"))
        .isEqualTo("3f2b8c1e9d4a4b7e8f601c2d3e4f5a6b");
    assertThat(TraceIds.traceId("my-trace")).isEqualTo(HASHED_TRACE);
    assertThat(TraceIds.traceId("0".repeat(32))).isEqualTo("84e0c0eafaa95a34c293f278ac52e45c");
  }

  @Test
  void spanIdsAreKeptHashedWithTheTraceOrDerivedFromThePointer() {
    assertThat(TraceIds.spanId(HASHED_TRACE, "B7AD6B7169203331")).isEqualTo("b7ad6b7169203331");
    assertThat(TraceIds.spanId(HASHED_TRACE, "step-1")).isEqualTo("1bb3800d70faf0e0");
    assertThat(TraceIds.derivedSpanId(HASHED_TRACE, "/spans/0")).isEqualTo("cc8b5f247d0e8a38");
    assertThat(TraceIds.derivedSpanId(HASHED_TRACE, "")).isEqualTo("c091aeee84cd195e");
  }

  @Test
  void tellsKeptIdsFromHashedOnes() {
    assertThat(
            TraceIds.isKept(
                "3F2B8C1E-9D4A-4B7E-8F60-1C2D3E4F5A6B", "3f2b8c1e9d4a4b7e8f601c2d3e4f5a6b"))
        .isTrue();
    assertThat(TraceIds.isKept("my-trace", HASHED_TRACE)).isFalse();
  }
}
