package dev.tracefold.completion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.CompletionReason;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.serde.AvroSerde;
import dev.tracefold.schemas.topic.SpanHeaders;
import dev.tracefold.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class TraceCompletionTopologyTest extends CompletionTopologyTestBase {
  @Test
  void completesOnlyAfterTheQuietWindowAndEverySpanResetsTheTimer() {
    start(settings(Map.of(), 10_000, 1 << 20));
    send(span("p1", TRACE_A, "00000000000000a1", null, 100));
    advance(Duration.ofMinutes(4));
    send(span("p1", TRACE_A, "00000000000000a2", "00000000000000a1", 200));
    advance(Duration.ofMinutes(4));
    assertThat(completed.isEmpty()).as("8 minutes after the first span, 4 after the last").isTrue();
    advance(Duration.ofSeconds(59));
    assertThat(completed.isEmpty()).as("one second before the window closes").isTrue();
    advance(Duration.ofSeconds(1));
    TestRecord<String, CompletedTrace> record = completed.readRecord();
    assertThat(record.key()).isEqualTo("p1/" + TRACE_A);
    CompletedTrace trace = record.value();
    assertThat(trace.getRevision()).isEqualTo(1);
    assertThat(trace.getCompletionReason()).isEqualTo(CompletionReason.QUIET);
    assertThat(trace.getSpans())
        .extracting(Span::getSpanId)
        .containsExactly("00000000000000a1", "00000000000000a2");
    assertThat(trace.getRollup().getSpanCount()).isEqualTo(2);
    assertThat(trace.getRollup().getRootSpanName()).isEqualTo("op-00000000000000a1");
    assertThat(trace.getFirstArrivalEpochMillis()).isEqualTo(T0.toEpochMilli());
    assertThat(trace.getLastArrivalEpochMillis())
        .isEqualTo(T0.plus(Duration.ofMinutes(4)).toEpochMilli());
    assertThat(trace.getCompletedEpochMillis())
        .isEqualTo(T0.plus(Duration.ofMinutes(9)).toEpochMilli());
    assertThat(completed.isEmpty()).isTrue();
  }

  @Test
  void theLastTraceOfAnIdlePartitionCompletesWithoutFurtherRecords() {
    start(settings(Map.of(), 10_000, 1 << 20));
    send(span("p1", TRACE_A, "00000000000000a1", null, 100));
    advance(Duration.ofMinutes(1));
    send(span("p1", TRACE_B, "00000000000000b1", null, 100));
    // no record arrives after this: stream time stands still, only the wall clock moves
    advance(Duration.ofMinutes(4));
    assertThat(completed.readKeyValue().key).isEqualTo("p1/" + TRACE_A);
    advance(Duration.ofMinutes(1));
    assertThat(completed.readKeyValue().key).isEqualTo("p1/" + TRACE_B);
    assertThat(completed.isEmpty()).isTrue();
  }

  @Test
  void duplicateSpanIdsCountOnce() {
    start(settings(Map.of(), 10_000, 1 << 20));
    Span first = span("p1", TRACE_A, "00000000000000a1", null, 100);
    send(first);
    send(Span.newBuilder(first).setName("retried copy").build());
    send(span("p1", TRACE_A, "00000000000000a2", "00000000000000a1", 200));
    advance(WINDOW);
    CompletedTrace trace = completed.readValue();
    assertThat(trace.getSpans()).hasSize(2);
    assertThat(trace.getRollup().getSpanCount()).isEqualTo(2);
    assertThat(trace.getSpans().get(0).getName()).isEqualTo("op-00000000000000a1");
    assertThat(registry.get("tracefold.completion.duplicate.spans").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void rollupFiguresComeFromTheDeduplicatedSpans() {
    start(settings(Map.of(), 10_000, 1 << 20));
    send(
        Span.newBuilder(span("p1", TRACE_A, "00000000000000a1", null, 1_000))
            .setEndEpochNanos(9_000)
            .setName("agent")
            .setStatus(SpanStatus.OK)
            .build());
    Span llm =
        Span.newBuilder(span("p1", TRACE_A, "00000000000000a2", "00000000000000a1", 2_000))
            .setKind(SpanKind.LLM)
            .setModel("gpt-4o")
            .setProvider("openai")
            .setInputTokens(120L)
            .setOutputTokens(30L)
            .setStatus(SpanStatus.ERROR)
            .build();
    send(llm);
    send(llm);
    advance(WINDOW);
    var rollup = completed.readValue().getRollup();
    assertThat(rollup.getRootSpanName()).isEqualTo("agent");
    assertThat(rollup.getStatus()).isEqualTo(SpanStatus.ERROR);
    assertThat(rollup.getErrorCount()).isEqualTo(1);
    assertThat(rollup.getInputTokens()).isEqualTo(120);
    assertThat(rollup.getOutputTokens()).isEqualTo(30);
    assertThat(rollup.getTotalTokens()).isEqualTo(150);
    assertThat(rollup.getDurationNanos()).isEqualTo(8_000);
    assertThat(rollup.getModels()).containsExactly("gpt-4o");
  }

  @Test
  void aLateSpanReopensTheTraceAndTheNextRevisionCarriesEverySpan() {
    start(settings(Map.of(), 10_000, 1 << 20));
    send(span("p1", TRACE_A, "00000000000000a1", null, 100));
    advance(WINDOW);
    assertThat(completed.readValue().getRevision()).isEqualTo(1);
    advance(Duration.ofMinutes(10));
    send(span("p1", TRACE_A, "00000000000000a2", "00000000000000a1", 200));
    send(
        span(
            "p1",
            TRACE_A,
            "00000000000000a1",
            null,
            100)); // a retry of an emitted span: still once
    advance(WINDOW.minusSeconds(1));
    assertThat(completed.isEmpty()).isTrue();
    advance(Duration.ofSeconds(1));
    CompletedTrace second = completed.readValue();
    assertThat(second.getRevision()).isEqualTo(2);
    assertThat(second.getSpans())
        .extracting(Span::getSpanId)
        .containsExactly("00000000000000a1", "00000000000000a2");
    assertThat(registry.get("tracefold.completion.late.spans").counter().count()).isEqualTo(1.0);
    assertThat(registry.get("tracefold.completion.reopened.traces").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void perProjectQuietWindowOverridesTheDefault() {
    start(settings(Map.of("fast", Duration.ofSeconds(30)), 10_000, 1 << 20));
    send(span("fast", TRACE_A, "00000000000000a1", null, 100));
    send(span("p1", TRACE_B, "00000000000000b1", null, 100));
    advance(Duration.ofSeconds(30));
    assertThat(completed.readKeyValue().key).isEqualTo("fast/" + TRACE_A);
    assertThat(completed.isEmpty()).isTrue();
    advance(WINDOW);
    assertThat(completed.readKeyValue().key).isEqualTo("p1/" + TRACE_B);
  }

  @Test
  void spanCapForcesCompletion() {
    start(settings(Map.of(), 3, 1 << 20));
    for (int i = 1; i <= 3; i++) {
      send(span("p1", TRACE_A, "00000000000000a" + i, null, i));
    }
    CompletedTrace capped = completed.readValue();
    assertThat(capped.getCompletionReason()).isEqualTo(CompletionReason.MAX_SPANS);
    assertThat(capped.getSpans()).hasSize(3);
  }

  /**
   * Issue #12: the caps count per revision. Spans after a capped revision make one partial revision
   * of their own after the quiet window, instead of re-emitting the whole trace (and growing the
   * record) once per span.
   */
  @Test
  void spansAfterACappedRevisionMakeOnePartialRevisionOfTheirOwn() {
    start(settings(Map.of(), 3, 1 << 20));
    for (int i = 1; i <= 3; i++) {
      send(span("p1", TRACE_A, "00000000000000a" + i, null, i));
    }
    assertThat(completed.readValue().getSpans()).hasSize(3);
    for (int i = 4; i <= 5; i++) {
      send(span("p1", TRACE_A, "00000000000000a" + i, null, i));
    }
    assertThat(completed.isEmpty()).as("no revision per late span").isTrue();

    advance(WINDOW.plusSeconds(1));

    CompletedTrace late = completed.readValue();
    assertThat(late.getRevision()).isEqualTo(2);
    assertThat(late.getPartial()).isTrue();
    assertThat(late.getCompletionReason()).isEqualTo(CompletionReason.QUIET);
    assertThat(late.getSpans())
        .extracting(Span::getSpanId)
        .containsExactly("00000000000000a4", "00000000000000a5");
    assertThat(completed.isEmpty()).isTrue();
  }

  @Test
  void lifetimeCapForcesCompletionOneHourAfterTheFirstSpan() {
    start(settings(Map.of(), 10_000, 1 << 20));
    // lifetime: a span every 4 minutes keeps the trace open until one hour after its first span
    send(span("p1", TRACE_B, "00000000000000b0", null, 1));
    for (int i = 1; i <= 15; i++) {
      advance(Duration.ofMinutes(4));
      if (i < 15) {
        send(span("p1", TRACE_B, String.format("00000000000000%02d", i), null, i));
      }
    }
    CompletedTrace longLived = completed.readValue();
    assertThat(longLived.getCompletionReason()).isEqualTo(CompletionReason.MAX_LIFETIME);
    assertThat(longLived.getCompletedEpochMillis() - longLived.getFirstArrivalEpochMillis())
        .isEqualTo(Duration.ofHours(1).toMillis());
  }

  @Test
  void byteCapForcesCompletion() {
    Span first =
        Span.newBuilder(span("p1", TRACE_A, "00000000000000a1", null, 1))
            .setInput("x".repeat(200))
            .build();
    int firstBytes = AvroSerde.of(Span.class).encode(first).length;
    start(settings(Map.of(), 10_000, firstBytes + 1));
    send(first);
    assertThat(completed.isEmpty()).isTrue();
    send(
        Span.newBuilder(span("p1", TRACE_A, "00000000000000a2", null, 2))
            .setInput("y".repeat(200))
            .build());
    assertThat(completed.readValue().getCompletionReason()).isEqualTo(CompletionReason.MAX_BYTES);
  }

  @Test
  void undecodableRecordsGoToTheDeadLetterTopicAndTheStreamGoesOn() {
    start(settings(Map.of(), 10_000, 1 << 20));
    rawSpans()
        .pipeInput(
            "p1/broken".getBytes(StandardCharsets.UTF_8),
            "not avro".getBytes(StandardCharsets.UTF_8));
    send(span("p1", TRACE_A, "00000000000000a1", null, 100));
    TestRecord<byte[], byte[]> dead = deadLetters().readRecord();
    assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
    Header errorClass = dead.headers().lastHeader("tracefold.error.class");
    assertThat(new String(errorClass.value(), StandardCharsets.UTF_8))
        .isEqualTo("org.apache.kafka.common.errors.SerializationException");
    assertThat(
            new String(
                dead.headers().lastHeader("tracefold.source.topic").value(),
                StandardCharsets.UTF_8))
        .isEqualTo(Topics.SPANS.name());
    advance(WINDOW);
    assertThat(completed.readKeyValue().key).isEqualTo("p1/" + TRACE_A);
    assertThat(registry.get("tracefold.completion.dlq.records").counter().count()).isEqualTo(1.0);
  }

  @Test
  void bufferedGaugesFollowOpenTraces() {
    start(settings(Map.of(), 10_000, 1 << 20));
    send(span("p1", TRACE_A, "00000000000000a1", null, 100));
    send(span("p1", TRACE_A, "00000000000000a2", null, 100));
    send(span("p1", TRACE_B, "00000000000000b1", null, 100));
    assertThat(registry.get("tracefold.completion.buffered.traces").gauge().value()).isEqualTo(2.0);
    assertThat(registry.get("tracefold.completion.buffered.spans").gauge().value()).isEqualTo(3.0);
    advance(WINDOW);
    assertThat(completed.readValuesToList()).hasSize(2);
    assertThat(registry.get("tracefold.completion.buffered.traces").gauge().value()).isEqualTo(0.0);
    assertThat(registry.get("tracefold.completion.buffered.spans").gauge().value()).isEqualTo(0.0);
    assertThat(
            registry
                .get("tracefold.completion.completions")
                .tag("reason", "QUIET")
                .counter()
                .count())
        .isEqualTo(2.0);
  }

  @Test
  void completedSpansArePurgedAfterRetention() {
    start(settings(Map.of(), 10_000, 1 << 20));
    send(span("p1", TRACE_A, "00000000000000a1", null, 100));
    advance(WINDOW);
    assertThat(completed.readValue().getRevision()).isEqualTo(1);
    var spansStore = driver.getKeyValueStore(CompletionTopology.SPANS_STORE);
    assertThat(spansStore.get("p1/" + TRACE_A + "/00000000000000a1")).isNotNull();
    advance(Duration.ofHours(24));
    assertThat(spansStore.get("p1/" + TRACE_A + "/00000000000000a1")).isNull();
    var states = driver.getKeyValueStore(CompletionTopology.STATES_STORE);
    assertThat(states.get("p1/" + TRACE_A)).as("tombstone keeps the revision").isNotNull();
    assertThat(registry.get("tracefold.completion.state.span.bytes").gauge().value()).isZero();
    advance(Duration.ofDays(7));
    assertThat(states.get("p1/" + TRACE_A)).isNull();
    // long forgotten: the trace id starts afresh
    send(span("p1", TRACE_A, "00000000000000a9", null, 100));
    advance(WINDOW);
    CompletedTrace fresh = completed.readValue();
    assertThat(fresh.getRevision()).isEqualTo(1);
    assertThat(fresh.getPartial()).isFalse();
  }

  @Test
  void aLateSpanAfterRetentionStartsAPartialNextRevision() {
    start(settings(Map.of(), 10_000, 1 << 20));
    send(span("p1", TRACE_A, "00000000000000a1", null, 100));
    send(span("p1", TRACE_A, "00000000000000a2", "00000000000000a1", 200));
    advance(WINDOW);
    assertThat(completed.readValue().getPartial()).isFalse();
    advance(Duration.ofHours(25));
    send(span("p1", TRACE_A, "00000000000000a3", "00000000000000a1", 300));
    advance(WINDOW);
    CompletedTrace late = completed.readValue();
    assertThat(late.getRevision()).isEqualTo(2);
    assertThat(late.getPartial()).isTrue();
    assertThat(late.getSpans()).extracting(Span::getSpanId).containsExactly("00000000000000a3");
    // within retention of the partial revision, the next late span still yields a partial revision
    send(span("p1", TRACE_A, "00000000000000a4", "00000000000000a1", 400));
    advance(WINDOW);
    CompletedTrace third = completed.readValue();
    assertThat(third.getRevision()).isEqualTo(3);
    assertThat(third.getPartial()).isTrue();
    assertThat(third.getSpans())
        .extracting(Span::getSpanId)
        .containsExactly("00000000000000a3", "00000000000000a4");
  }

  @Test
  void aStreamRunningBehindItsInputNeitherSplitsNorMergesTraces() {
    // the task never catches up with its input and falls ever further behind: 30 s of wall clock
    // per record, 10 s of ingest time between records
    caughtUp = false;
    start(settings(Map.of("busy", Duration.ofHours(2)), 10_000, 1 << 20));
    advance(Duration.ofMinutes(30));
    java.util.TreeMap<Instant, Span> backlog = new java.util.TreeMap<>();
    for (int i = 0; i <= 90; i++) {
      backlog.put(
          T0.plusSeconds(10L * i).plusMillis(1),
          span("busy", TRACE_B.replace('1', 'f'), String.format("00000000000f%04d", i), null, i));
    }
    backlog.put(T0, span("p1", TRACE_A, "00000000000000a1", null, 100));
    backlog.put(
        T0.plus(Duration.ofMinutes(4)),
        span("p1", TRACE_A, "00000000000000a2", "00000000000000a1", 200));
    backlog.put(T0.plus(Duration.ofMinutes(1)), span("p1", TRACE_B, "00000000000000b1", null, 100));
    backlog.put(
        T0.plus(Duration.ofMinutes(7)),
        span("p1", TRACE_B, "00000000000000b2", "00000000000000b1", 200));
    backlog.forEach(
        (ingestTime, span) -> {
          send(span, ingestTime);
          advance(Duration.ofSeconds(30));
        });
    List<TestRecord<String, CompletedTrace>> emitted = completed.readRecordsToList();
    List<CompletedTrace> a =
        emitted.stream()
            .filter(r -> r.key().equals("p1/" + TRACE_A))
            .map(TestRecord::value)
            .toList();
    List<CompletedTrace> b =
        emitted.stream()
            .filter(r -> r.key().equals("p1/" + TRACE_B))
            .map(TestRecord::value)
            .toList();
    assertThat(a).as("A's spans arrived 4 minutes apart: one revision").hasSize(1);
    assertThat(a.get(0).getSpans())
        .extracting(Span::getSpanId)
        .containsExactly("00000000000000a1", "00000000000000a2");
    assertThat(a.get(0).getLastArrivalEpochMillis())
        .isEqualTo(T0.plus(Duration.ofMinutes(4)).toEpochMilli());
    assertThat(b).as("B's spans arrived 6 minutes apart: two revisions").hasSize(2);
    assertThat(b.get(0).getSpans()).extracting(Span::getSpanId).containsExactly("00000000000000b1");
    assertThat(b.get(1).getRevision()).isEqualTo(2);
    assertThat(b.get(1).getSpans())
        .extracting(Span::getSpanId)
        .containsExactly("00000000000000b1", "00000000000000b2");
    assertThat(registry.get("tracefold.completion.clock.behind").gauge().value())
        .as("seconds the completion clock is behind the wall clock")
        .isGreaterThan(30 * 60);
  }

  @Test
  void aCaughtUpTaskCompletesOnTheWallClockLessTheGrace() {
    start(settings(Map.of(), 10_000, 1 << 20, Duration.ofMillis(200)));
    send(span("p1", TRACE_A, "00000000000000a1", null, 100));
    advance(WINDOW);
    assertThat(completed.isEmpty()).as("the grace is not over yet").isTrue();
    advance(Duration.ofSeconds(1)); // the next punctuation
    assertThat(completed.readValue().getSpans()).hasSize(1);
  }

  @Test
  void aTaskBehindItsInputWaitsForItsInput() {
    caughtUp = false;
    start(settings(Map.of(), 10_000, 1 << 20));
    send(span("p1", TRACE_A, "00000000000000a1", null, 100));
    advance(WINDOW.plusMinutes(1));
    assertThat(completed.isEmpty()).as("no newer input, and not caught up").isTrue();
    send(span("p1", TRACE_B, "00000000000000b1", null, 100));
    advance(Duration.ofSeconds(1));
    assertThat(completed.readKeyValue().key)
        .as("input time moved past A's deadline")
        .isEqualTo("p1/" + TRACE_A);
  }

  @Test
  void anIngestTimeAheadOfTheWallClockCountsAsNow() {
    start(settings(Map.of(), 10_000, 1 << 20));
    send(span("p1", TRACE_A, "00000000000000a1", null, 100));
    send(span("p1", TRACE_B, "00000000000000b1", null, 100), now.plus(Duration.ofHours(2)));
    advance(Duration.ofSeconds(1));
    assertThat(completed.isEmpty())
        .as("a producer clock two hours ahead completes nothing")
        .isTrue();
    advance(WINDOW);
    assertThat(completed.readValuesToList()).hasSize(2);
  }

  @Test
  void spansWithoutTheGatewayHeadersAreDecodedAndABadBufferedSpanIsDeadLettered() {
    start(settings(Map.of(), 10_000, 1 << 20));
    Span plain = span("p1", TRACE_A, "00000000000000a1", null, 100);
    spans.pipeInput(new TestRecord<>("p1/" + TRACE_A, plain, null, now));
    byte[] corrupt =
        AvroSerde.of(Span.class).encode(span("p1", TRACE_A, "00000000000000a2", null, 200));
    java.util.Arrays.fill(corrupt, 10, corrupt.length, (byte) 0xff);
    sendToTraceA(corrupt, SpanHeaders.of("00000000000000a2", null));
    advance(WINDOW);
    CompletedTrace trace = completed.readValue();
    assertThat(trace.getSpans()).extracting(Span::getSpanId).containsExactly("00000000000000a1");
    assertThat(deadLetters().readRecord().value()).isEqualTo(corrupt);
  }

  @Test
  void aBufferedSpanCutShortInItsTrailingFieldsIsDeadLetteredToo() {
    start(settings(Map.of(), 10_000, 1 << 20));
    send(span("p1", TRACE_A, "00000000000000a1", null, 100), now);
    byte[] whole =
        AvroSerde.of(Span.class)
            .encode(span("p1", TRACE_A, "00000000000000a2", "00000000000000a1", 200));
    byte[] cut =
        java.util.Arrays.copyOf(whole, whole.length - 2); // its source and ingest time cut off
    sendToTraceA(cut, SpanHeaders.of("00000000000000a2", "00000000000000a1"));
    advance(WINDOW);
    CompletedTrace trace = completed.readValue();
    assertThat(trace.getSpans()).extracting(Span::getSpanId).containsExactly("00000000000000a1");
    assertThat(deadLetters().readRecord().value()).isEqualTo(cut);
  }

  /** Sends a record value of trace A (project p1) as given, with the given headers, now. */
  private void sendToTraceA(byte[] value, Headers headers) {
    rawSpans()
        .pipeInput(
            new TestRecord<>(
                ("p1/" + TRACE_A).getBytes(StandardCharsets.UTF_8), value, headers, now));
  }

  private TestInputTopic<byte[], byte[]> rawSpans() {
    return driver.createInputTopic(
        Topics.SPANS.name(), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
  }

  private TestOutputTopic<byte[], byte[]> deadLetters() {
    return driver.createOutputTopic(
        Topics.SPANS_DLQ.name(),
        Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer());
  }

  @Test
  void spansAQuietWindowApartStayApartWhenProcessedInOneGo() {
    caughtUp = false; // the stream was stopped; its backlog is processed at once
    start(settings(Map.of(), 10_000, 1 << 20));
    advance(Duration.ofHours(1));
    send(span("p1", TRACE_A, "00000000000000a1", null, 100), T0);
    send(span("p1", TRACE_A, "00000000000000a2", "00000000000000a1", 200), T0.plus(WINDOW));
    send(
        span("p1", TRACE_A, "00000000000000a3", "00000000000000a1", 300),
        T0.plus(WINDOW).plusSeconds(10));
    List<CompletedTrace> first = completed.readValuesToList();
    assertThat(first).hasSize(1);
    assertThat(first.get(0).getSpans())
        .extracting(Span::getSpanId)
        .containsExactly("00000000000000a1");
    assertThat(first.get(0).getCompletionReason()).isEqualTo(CompletionReason.QUIET);
    caughtUp = true; // the backlog is processed
    advance(Duration.ofMinutes(11));
    CompletedTrace second = completed.readValue();
    assertThat(second.getRevision()).isEqualTo(2);
    assertThat(second.getSpans())
        .extracting(Span::getSpanId)
        .containsExactly("00000000000000a1", "00000000000000a2", "00000000000000a3");
  }
}
