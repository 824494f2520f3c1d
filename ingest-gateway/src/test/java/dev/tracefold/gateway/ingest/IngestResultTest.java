package dev.tracefold.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestResultTest {
  @Test
  void fullSuccessHasNoMessage() {
    IngestResult result = new IngestResult(3, List.of());

    assertThat(result.fullSuccess()).isTrue();
    assertThat(result.rejectedSpans()).isZero();
    assertThat(result.errorMessage()).isEmpty();
  }

  @Test
  void summarisesRejections() {
    IngestResult result =
        new IngestResult(
            3,
            List.of(
                new SpanRejection(RejectionReason.MISSING_NAME, "span #1: name is missing"),
                new SpanRejection(RejectionReason.INVALID_SPAN_ID, "span #4 'x': bad")));

    assertThat(result.rejectedSpans()).isEqualTo(2);
    assertThat(result.errorMessage())
        .isEqualTo("2 of 5 spans rejected: span #1: name is missing; span #4 'x': bad");
  }

  @Test
  void quotesAtMostFiveMessages() {
    List<SpanRejection> rejections = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      rejections.add(new SpanRejection(RejectionReason.MISSING_NAME, "m" + i));
    }

    assertThat(new IngestResult(0, rejections).errorMessage())
        .isEqualTo("7 of 7 spans rejected: m0; m1; m2; m3; m4; and 2 more");
  }
}
