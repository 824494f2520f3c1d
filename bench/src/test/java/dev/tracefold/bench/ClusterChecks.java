package dev.tracefold.bench;

import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.serde.AvroSerde;
import dev.tracefold.schemas.topic.SpanHeaders;
import dev.tracefold.schemas.topic.TraceKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;

/**
 * The end-to-end guarantees of a run, checked trace by trace against what Kafka and PostgreSQL hold
 * (issue #12): every acknowledged span is stored; every trace is complete with exactly the
 * revisions its ingest times call for; no evaluation trigger is published twice (and every revision
 * fired the rule's trigger once).
 *
 * <p><b>Expected revisions.</b> A span's ingest time is the {@code LogAppendTime} of its record on
 * {@code tracefold.spans} (its first record: a re-sent span is a duplicate the stream drops). With
 * quiet-window completion only (root-aware completion off), a trace gets one revision plus one per
 * gap between consecutive ingest times of at least the quiet window ({@link #expectedRevisions}). A
 * gap within {@code ambiguity} of the quiet window may go either way (the decision is exact on the
 * broker's clock, but the test does not claim millisecond precision): such a trace is accepted with
 * either count and counted as ambiguous.
 *
 * <p>Use: hand {@link #completedListener()} to a {@link CompletedTraceReader} of {@code
 * tracefold.traces.completed} started before the load; after the load call {@link
 * #readIngestTimes}, wait for {@link #allFinal()}, wait for the store, then {@link #readTriggers}
 * and {@link #verdict}. ({@link #ingested}, {@link #completed} and {@link #triggered} take the same
 * facts from elsewhere.) Thread-safe for the listener; the rest runs on the test thread.
 */
final class ClusterChecks {
  private static final AvroSerde<EvaluationTrigger> TRIGGERS =
      AvroSerde.of(EvaluationTrigger.class);

  /**
   * The revisions a trace's ingest times call for: between {@code min} and {@code max}, equal
   * unless a gap is within the ambiguity of the quiet window.
   */
  record RevisionRange(int min, int max) {
    boolean ambiguous() {
      return min != max;
    }

    boolean contains(int revisions) {
      return revisions >= min && revisions <= max;
    }
  }

  /** One completed record: its revision and how many spans it holds. */
  private record Revision(int revision, int spans) {}

  /** One trigger record. */
  private record Trigger(String triggerId, int trace, int revision) {}

  /**
   * What the checks found.
   *
   * @param traces traces with spans on {@code tracefold.spans} for the run
   * @param acknowledgedSpans spans the gateways acknowledged (ledger)
   * @param spanRecords distinct spans on {@code tracefold.spans} (by trace and span id)
   * @param duplicateSpanRecords further records of a span already there (re-sent requests)
   * @param storedSpans rows of {@code spans} for the run's traces
   * @param lostSpans acknowledged spans without a row, summed per trace
   * @param tracesByRevisions traces by the number of revisions emitted
   * @param ambiguousTraces traces with a gap within the ambiguity of the quiet window
   * @param tracesSplitByGaps traces whose ingest times call for more than one revision for sure
   * @param completedRecords records read from {@code tracefold.traces.completed} for the run
   * @param duplicateRevisions completed records repeating a (trace, revision) already read
   * @param triggerRecords trigger records of the rule read ({@code read_committed})
   * @param duplicateTriggerIds trigger records repeating a trigger id already read
   * @param missingTriggers emitted revisions without a trigger of the rule
   * @param failures what is wrong, one line per kind of failure with up to 10 examples; empty when
   *     every check passed
   */
  record Verdict(
      int traces,
      long acknowledgedSpans,
      long spanRecords,
      long duplicateSpanRecords,
      long storedSpans,
      long lostSpans,
      Map<Integer, Integer> tracesByRevisions,
      int ambiguousTraces,
      int tracesSplitByGaps,
      long completedRecords,
      long duplicateRevisions,
      long triggerRecords,
      long duplicateTriggerIds,
      long missingTriggers,
      List<String> failures) {}

  private final TraceLedger ledger;
  private final String projectId;
  private final long quietWindowMillis;
  private final long ambiguityMillis;
  private final Map<Integer, List<Revision>> revisions = new ConcurrentHashMap<>();
  private final Map<Integer, Map<String, Long>> spanIngest = new HashMap<>();
  private long duplicateSpanRecords;
  private final List<Trigger> triggers = new ArrayList<>();

  /**
   * @param ledger the run's ledger (trace numbers, acknowledged spans)
   * @param projectId the project of the run's API key
   * @param quietWindow the completion stream's quiet window
   * @param ambiguity how close to the quiet window a gap is taken as either way
   */
  ClusterChecks(TraceLedger ledger, String projectId, Duration quietWindow, Duration ambiguity) {
    this.ledger = ledger;
    this.projectId = projectId;
    this.quietWindowMillis = quietWindow.toMillis();
    this.ambiguityMillis = ambiguity.toMillis();
  }

  /**
   * The revisions that ingest times call for: 1 + the gaps of at least the quiet window between
   * consecutive times; a gap in {@code [quiet - ambiguity, quiet + ambiguity)} may or may not
   * count.
   *
   * @param ingestEpochMillis the ingest times of the trace's distinct spans, in any order; not
   *     empty
   */
  static RevisionRange expectedRevisions(
      long[] ingestEpochMillis, long quietWindowMillis, long ambiguityMillis) {
    long[] sorted = ingestEpochMillis.clone();
    Arrays.sort(sorted);
    int sure = 0;
    int either = 0;
    for (int i = 1; i < sorted.length; i++) {
      long gap = sorted[i] - sorted[i - 1];
      if (gap >= quietWindowMillis + ambiguityMillis) {
        sure++;
      } else if (gap >= quietWindowMillis - ambiguityMillis) {
        either++;
      }
    }
    return new RevisionRange(1 + sure, 1 + sure + either);
  }

  /** Records every completed revision of the run's traces; for {@link CompletedTraceReader}. */
  CompletedTraceReader.Listener completedListener() {
    return (completed, recordTimestamp, receivedEpochMillis) -> {
      int trace = trace(completed.getProjectId().toString(), completed.getTraceId().toString());
      if (trace >= 0) {
        completed(trace, completed.getRevision(), completed.getSpans().size());
      }
    };
  }

  /** Trace {@code trace} was emitted as revision {@code revision} holding {@code spans} spans. */
  void completed(int trace, int revision, int spans) {
    revisions
        .computeIfAbsent(trace, t -> java.util.Collections.synchronizedList(new ArrayList<>()))
        .add(new Revision(revision, spans));
  }

  private int trace(String project, String traceIdHex) {
    return projectId.equals(project) ? ledger.traceNumber(traceIdHex) : -1;
  }

  /**
   * Reads {@code tracefold.spans} from the beginning to its end offsets: the ingest time of each
   * distinct span of the run's traces (the first record of a span id).
   */
  void readIngestTimes(String bootstrapServers) {
    spanIngest.clear();
    duplicateSpanRecords = 0;
    PipelineVerdict.readAll(
        bootstrapServers,
        "tracefold.spans",
        false,
        record -> {
          int trace = trace(record.key());
          if (trace < 0) {
            return;
          }
          Header id = record.headers().lastHeader(SpanHeaders.SPAN_ID);
          ingested(trace, new String(id.value(), StandardCharsets.UTF_8), record.timestamp());
        });
  }

  /**
   * A record of span {@code spanId} of trace {@code trace} was appended at {@code
   * ingestEpochMillis}; records are handed over in offset order, so a later one of the same span is
   * a duplicate.
   */
  void ingested(int trace, String spanId, long ingestEpochMillis) {
    if (spanIngest
            .computeIfAbsent(trace, t -> new LinkedHashMap<>())
            .putIfAbsent(spanId, ingestEpochMillis)
        != null) {
      duplicateSpanRecords++;
    }
  }

  /** The ingest times of the trace's distinct spans, or null if it has none. */
  private long[] ingestTimes(int trace) {
    Map<String, Long> spans = spanIngest.get(trace);
    return spans == null ? null : spans.values().stream().mapToLong(Long::longValue).toArray();
  }

  private int trace(byte[] key) {
    TraceKey parsed = TraceKey.parse(new String(key, StandardCharsets.UTF_8));
    return trace(parsed.projectId(), parsed.traceId());
  }

  /** Traces read by {@link #readIngestTimes}. */
  int traces() {
    return spanIngest.size();
  }

  /**
   * Whether every trace read by {@link #readIngestTimes} has a completed revision holding all its
   * distinct spans, and at least as many revisions as its ingest times surely call for.
   */
  boolean allFinal() {
    return notFinal() == 0;
  }

  /** Traces that {@link #allFinal()} still waits for. */
  int notFinal() {
    int waiting = 0;
    for (int trace : spanIngest.keySet()) {
      long[] times = ingestTimes(trace);
      Revision last = last(revisions.getOrDefault(trace, List.of()));
      if (last.revision < expected(times).min() || last.spans < times.length) {
        waiting++;
      }
    }
    return waiting;
  }

  /** The highest revision emitted (revision 0 with 0 spans if none). */
  private static Revision last(List<Revision> emitted) {
    synchronized (emitted) {
      Revision last = new Revision(0, 0);
      for (Revision r : emitted) {
        if (r.revision > last.revision) {
          last = r;
        }
      }
      return last;
    }
  }

  private RevisionRange expected(long[] times) {
    return expectedRevisions(times, quietWindowMillis, ambiguityMillis);
  }

  /** Revisions emitted so far for the run's traces (every completed record). */
  long emittedRevisions() {
    return revisions.values().stream().mapToLong(List::size).sum();
  }

  /**
   * Reads {@code tracefold.evaluation.triggers} with {@code read_committed} from the beginning to
   * its last stable offsets, again every second until the rule's triggers cover every emitted
   * revision or {@code timeout} passes.
   */
  void readTriggers(String bootstrapServers, String ruleId, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    BooleanSupplier covered = () -> missingTriggers() == 0;
    do {
      triggers.clear();
      PipelineVerdict.readAll(
          bootstrapServers,
          "tracefold.evaluation.triggers",
          true,
          record -> {
            EvaluationTrigger t = TRIGGERS.decode(record.value());
            int trace = trace(t.getProjectId().toString(), t.getTraceId().toString());
            if (trace >= 0 && ruleId.equals(t.getRuleId().toString())) {
              triggered(t.getTriggerId().toString(), trace, t.getRevision());
            }
          });
      if (covered.getAsBoolean()) {
        return;
      }
      Pause.millis(1_000);
    } while (System.nanoTime() < deadline);
  }

  /**
   * The rule fired trigger {@code triggerId} for revision {@code revision} of trace {@code trace}.
   */
  void triggered(String triggerId, int trace, int revision) {
    triggers.add(new Trigger(triggerId, trace, revision));
  }

  private long missingTriggers() {
    Set<Long> fired = new HashSet<>();
    for (Trigger t : triggers) {
      fired.add(revisionKey(t.trace, t.revision));
    }
    long missing = 0;
    for (Map.Entry<Integer, List<Revision>> trace : revisions.entrySet()) {
      for (int r : distinctRevisions(trace.getValue())) {
        if (!fired.contains(revisionKey(trace.getKey(), r))) {
          missing++;
        }
      }
    }
    return missing;
  }

  private static long revisionKey(int trace, int revision) {
    return ((long) trace << 32) | revision;
  }

  private static Set<Integer> distinctRevisions(List<Revision> emitted) {
    synchronized (emitted) {
      return emitted.stream().map(Revision::revision).collect(Collectors.toSet());
    }
  }

  /**
   * Judges the run.
   *
   * @param audit what the store holds for the ledger's first {@code traceCount} traces
   * @param storedRevisions {@link StoreAudit#completeRevisions} for them
   * @param traceCount traces the load started
   */
  Verdict verdict(StoreAudit.Audit audit, int[] storedRevisions, int traceCount) {
    Tally tally = new Tally();
    for (int trace = 0; trace < traceCount; trace++) {
      checkTrace(trace, storedRevisions[trace], tally);
    }
    PipelineVerdict.Problems failures = tally.failures;
    if (audit.lostSpans() > 0) {
      failures.add(
          "acknowledged spans not stored",
          audit.lostSpans() + " spans of " + audit.tracesWithLostSpans() + " traces");
    }
    Map<String, Integer> triggerIds = new HashMap<>();
    triggers.forEach(t -> triggerIds.merge(t.triggerId, 1, Integer::sum));
    triggerIds.forEach(
        (id, n) -> {
          if (n > 1) {
            failures.add("a trigger published twice", id + " " + n + " times");
          }
        });
    long missing = missingTriggers();
    if (missing > 0) {
      failures.add("revisions without their trigger", missing + " revisions");
    }
    return new Verdict(
        spanIngest.size(),
        tally.acknowledged,
        tally.spanRecords,
        duplicateSpanRecords,
        audit.storedSpans(),
        audit.lostSpans(),
        tally.byRevisions,
        tally.ambiguous,
        tally.split,
        tally.completedRecords,
        tally.duplicateRevisions,
        triggers.size(),
        triggers.size() - triggerIds.size(),
        missing,
        failures.list());
  }

  /** The counts and failures of {@link #verdict}, trace by trace. */
  private static final class Tally {
    final PipelineVerdict.Problems failures = new PipelineVerdict.Problems();
    final Map<Integer, Integer> byRevisions = new TreeMap<>();
    long acknowledged;
    long spanRecords;
    int ambiguous;
    int split;
    long completedRecords;
    long duplicateRevisions;
  }

  /** One trace: its spans on the topic, its revisions emitted and its row in the store. */
  private void checkTrace(int trace, int storedRevision, Tally tally) {
    PipelineVerdict.Problems failures = tally.failures;
    int acked = ledger.ackedSpans(trace);
    tally.acknowledged += acked;
    long[] times = ingestTimes(trace);
    int inTopic = times == null ? 0 : times.length;
    tally.spanRecords += inTopic;
    if (inTopic < acked) {
      failures.add(
          "acknowledged spans missing from tracefold.spans",
          "trace " + trace + ": " + acked + " acknowledged, " + inTopic + " on the topic");
    }
    if (times == null) {
      return;
    }
    RevisionRange expected = expected(times);
    tally.ambiguous += expected.ambiguous() ? 1 : 0;
    tally.split += expected.min() > 1 ? 1 : 0;
    List<Revision> emitted = revisions.getOrDefault(trace, List.of());
    List<Integer> numbers;
    synchronized (emitted) {
      numbers = emitted.stream().map(Revision::revision).sorted().toList();
    }
    tally.completedRecords += numbers.size();
    int distinct = (int) numbers.stream().distinct().count();
    tally.duplicateRevisions += numbers.size() - distinct;
    if (numbers.size() != distinct) {
      failures.add(
          "a revision emitted more than once (exactly once broken)",
          "trace " + trace + ": revisions " + numbers);
    }
    int count = numbers.isEmpty() ? 0 : numbers.get(numbers.size() - 1);
    tally.byRevisions.merge(count, 1, Integer::sum);
    if (distinct != count) {
      failures.add("revisions not numbered 1..n", "trace " + trace + ": revisions " + numbers);
    }
    if (!expected.contains(count)) {
      failures.add(
          "revisions other than the ingest times call for",
          "trace "
              + trace
              + ": "
              + count
              + " revisions, expected "
              + (expected.ambiguous() ? expected.min() + "-" + expected.max() : expected.min())
              + " (ingest gaps "
              + gaps(times)
              + " ms)");
    }
    int lastSpans = last(emitted).spans;
    if (lastSpans != times.length) {
      failures.add(
          "last revision without every span",
          "trace " + trace + ": " + lastSpans + " of " + times.length + " spans");
    }
    if (storedRevision != count) {
      failures.add(
          "stored trace not complete at its last revision",
          "trace "
              + trace
              + ": stored "
              + (storedRevision == 0 ? "not complete" : "complete at revision " + storedRevision)
              + ", emitted "
              + count);
    }
  }

  private static String gaps(long[] times) {
    long[] sorted = times.clone();
    Arrays.sort(sorted);
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < sorted.length; i++) {
      gaps.add(sorted[i] - sorted[i - 1]);
    }
    return gaps.toString();
  }
}
