package dev.tracefold.gateway.nativejson;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ingest.IngestResult;
import dev.tracefold.gateway.ingest.NormalizedBatch;
import dev.tracefold.gateway.ingest.RejectionReason;
import dev.tracefold.gateway.ingest.SpanRejection;
import dev.tracefold.gateway.nativejson.NativeTraceIngest.Outcome;
import dev.tracefold.gateway.nativejson.NativeTraceIngest.Request;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How native requests reach the pipeline: a POST is one batch (so the pipeline's span limit applies
 * to the whole request), an upload is cut into batches within that limit (so the same check
 * passes), and what was stored once Kafka acknowledged them.
 */
class NativeTraceIngestTest {
  private static final int MAX_SPANS = 4;

  private final IngestLimits limits = IngestLimits.defaults().withMaxSpansPerRequest(MAX_SPANS);
  private final TraceItemReader reader = new TraceItemReader(limits);
  private final NativeTraceIngest ingest =
      new NativeTraceIngest(
          limits,
          new NativeValues(reader.mapper()),
          Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC));

  /** Three valid traces of three spans (root included), one invalid, one of five spans. */
  private static final String FILE =
      """
      {"id":"a","name":"t","spans":[{"name":"x"},{"name":"y"}]}
      {"id":"b","name":"t","spans":[{"name":"x"},{"name":"y"}]}
      {"id":"c","name":"t","spans":[{"name":"x","kind":"nonsense"}]}
      {"id":"d","name":"t","spans":[{"name":"x"},{"name":"y"}]}
      {"id":"e","name":"t","spans":[{"name":"1"},{"name":"2"},{"name":"3"},{"name":"4"}]}
      """;

  @Test
  void aPostIsOneBatchOfEveryValidTrace() {
    Request request = ingest.post("p", reader.readJsonLines(bytes(FILE)));

    assertThat(request.normalize())
        .extracting(NormalizedBatch::totalSpans)
        .containsExactly(9); // over the limit of 4: the pipeline refuses it with 413
    assertThat(request.prepared().rejectedTraces()).isEqualTo(2); // "c" invalid, "e" too large
  }

  @Test
  void anUploadIsCutIntoBatchesWithinTheSpanLimitAndATraceNeverSplits() {
    Request request = ingest.upload("p", reader.readJsonLines(bytes(FILE)));

    List<NormalizedBatch> batches = request.normalize();

    assertThat(batches).extracting(NormalizedBatch::totalSpans).containsExactly(3, 3, 3);
    assertThat(batches)
        .allSatisfy(batch -> assertThat(batch.totalSpans()).isLessThanOrEqualTo(MAX_SPANS));
    assertThat(batches.get(0).documentSpanCounts()).hasSize(1).containsValue(3);
  }

  @Test
  void storedTracesAreTheValidOnesWithTooLargeSpansReportedLast() {
    Request request = ingest.upload("p", reader.readJsonLines(bytes(FILE)));
    String tooLargeSpan = request.normalize().get(1).spans().get(2).getSpanId();

    Outcome stored =
        ingest.stored(
            request.prepared(),
            new IngestResult(
                8,
                List.of(
                    new SpanRejection(
                        RejectionReason.SPAN_TOO_LARGE,
                        "span " + tooLargeSpan + " 'y' is too large for Kafka: 2000000 bytes"))));

    assertThat(stored.traceIds()).hasSize(3);
    assertThat(stored.acceptedSpans()).isEqualTo(8);
    assertThat(stored.rejectedTraces()).isEqualTo(2);
    assertThat(stored.errors())
        .extracting(ItemError::rule)
        .containsExactly("enum", "max_spans", "kafka_record_size");
    assertThat(stored.errors().get(2).id()).isEqualTo("b");
    assertThat(stored.errors().get(2).pointer()).isEqualTo("/spans/1");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
