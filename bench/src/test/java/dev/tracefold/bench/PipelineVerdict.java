package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.serde.AvroSerde;
import dev.tracefold.schemas.topic.SpanHeaders;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.store.StoreSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the whole pipeline kept its guarantees for the traces of one {@link TraceLedger}, judged
 * after a run (a fault test's, or any other load's) from what the gateway acknowledged, the topics
 * and PostgreSQL:
 *
 * <ol>
 *   <li><b>no acknowledged span lost</b>: every trace has at least as many rows in {@code spans} as
 *       the gateway acknowledged spans of it ({@link StoreAudit});
 *   <li><b>every trace complete</b>: its row in {@code traces} is in state {@code complete};
 *   <li><b>exactly the revisions its ingest times call for</b>: the ingest time of a span is its
 *       record timestamp on {@code tracefold.spans} (LogAppendTime). Walking a trace's records in
 *       offset order, a span id seen before is a duplicate (the stream drops it, it moves no
 *       deadline); any other span whose ingest time is at least a quiet window after the trace's
 *       previous span's starts a new revision (docs/decisions.md, "Completion on ingest time"; the
 *       run must have root-aware completion off, so that only the quiet window decides). So a
 *       trace's revisions = 1 + such gaps. A gap within {@link #AMBIGUOUS_GAP_MILLIS} of the quiet
 *       window may go either way (millisecond rounding, clocks of the broker and the stream host):
 *       such a trace may have one revision more, and is counted as ambiguous. On {@code
 *       tracefold.traces.completed} ({@code read_committed}) the trace must then have revisions 1
 *       to n, each once, n as called for, the last carrying every distinct span of the trace; the
 *       store's revision must be n;
 *   <li><b>no trigger twice</b>: on {@code tracefold.evaluation.triggers} ({@code read_committed})
 *       no trigger id appears twice, and with one rule of turn {@code every} selecting every trace
 *       (created before the load), each emitted revision has exactly one trigger.
 * </ol>
 *
 * {@link #await} re-reads everything until all holds or the time is up (the sink may still be
 * catching up); {@link #assertHolds()} then fails listing what did not hold. Not thread-safe.
 */
final class PipelineVerdict {
  private static final Logger log = LoggerFactory.getLogger(PipelineVerdict.class);
  private static final AvroSerde<CompletedTrace> COMPLETED = AvroSerde.of(CompletedTrace.class);
  private static final AvroSerde<EvaluationTrigger> TRIGGERS =
      AvroSerde.of(EvaluationTrigger.class);

  /** Gaps between two ingest times within this much of the quiet window may go either way, ms. */
  static final long AMBIGUOUS_GAP_MILLIS = 250;

  /** Examples of each kind of problem listed, at most. */
  private static final int EXAMPLES = 10;

  /**
   * Where the run's pipeline keeps its topics and store.
   *
   * @param bootstrapServers its Kafka
   * @param store its PostgreSQL (read as {@link StoreAudit} reads it)
   * @param projectId the project of every span
   * @param quietWindow the pipeline's quiet window
   * @param triggersExpected whether a rule of turn {@code every} selecting every trace ran
   */
  record Pipeline(
      String bootstrapServers,
      StoreSettings store,
      String projectId,
      Duration quietWindow,
      boolean triggersExpected) {

    /**
     * A standalone pipeline's, for spans of {@link PipelineBench#PROJECT} with a rule of turn
     * {@code every}.
     */
    static Pipeline of(PipelineProcess pipeline, Duration quietWindow) {
      return new Pipeline(
          pipeline.kafkaBootstrapServers(),
          pipeline.storeSettings(),
          PipelineBench.PROJECT,
          quietWindow,
          true);
    }
  }

  /**
   * The figures of a verdict.
   *
   * @param traces traces with at least one acknowledged span
   * @param spansAcked spans the gateway acknowledged
   * @param spansStored rows of {@code spans} of those traces
   * @param spansLost acknowledged spans without a row, summed per trace
   * @param spanRecords records of those traces on {@code tracefold.spans} (duplicates included)
   * @param tracesIncomplete traces not stored as {@code complete}
   * @param revisionsEmitted distinct (trace, revision) on the completed topic
   * @param revisionsDuplicated completed records beyond the first of a (trace, revision)
   * @param tracesWithWrongRevisions traces whose emitted or stored revisions differ from the call
   *     of their ingest times
   * @param tracesAmbiguous traces with a gap within {@link #AMBIGUOUS_GAP_MILLIS} of the quiet
   *     window (either revision count accepted)
   * @param tracesByRevisions traces by the revisions emitted for them
   * @param triggers trigger records of those traces
   * @param duplicateTriggers trigger records whose trigger id came before
   * @param revisionsWithoutOneTrigger emitted revisions with no trigger or more than one
   */
  record Figures(
      int traces,
      long spansAcked,
      long spansStored,
      long spansLost,
      long spanRecords,
      long tracesIncomplete,
      long revisionsEmitted,
      long revisionsDuplicated,
      long tracesWithWrongRevisions,
      long tracesAmbiguous,
      Map<Integer, Long> tracesByRevisions,
      long triggers,
      long duplicateTriggers,
      long revisionsWithoutOneTrigger) {

    /** One line for the log and the reliability table. */
    String summary() {
      return String.format(
          "%d traces; spans acknowledged %d, stored %d, lost %d (%d span records on"
              + " tracefold.spans); traces not complete %d; revisions emitted %d (traces by"
              + " revisions %s), duplicated %d, traces with wrong revisions %d, ambiguous %d;"
              + " triggers %d, duplicate trigger ids %d, revisions without exactly one trigger %d",
          traces,
          spansAcked,
          spansStored,
          spansLost,
          spanRecords,
          tracesIncomplete,
          revisionsEmitted,
          tracesByRevisions,
          revisionsDuplicated,
          tracesWithWrongRevisions,
          tracesAmbiguous,
          triggers,
          duplicateTriggers,
          revisionsWithoutOneTrigger);
    }
  }

  private final Figures figures;
  private final List<String> problems;

  private PipelineVerdict(Figures figures, List<String> problems) {
    this.figures = figures;
    this.problems = List.copyOf(problems);
  }

  Figures figures() {
    return figures;
  }

  /** What did not hold, each with up to {@value #EXAMPLES} examples; empty when all held. */
  List<String> problems() {
    return problems;
  }

  /** Fails with every problem and the figures unless all held. */
  void assertHolds() {
    assertThat(problems).as("guarantees broken; figures: %s", figures.summary()).isEmpty();
  }

  /**
   * Judges the ledger's first {@code traces} traces again and again until every guarantee holds or
   * {@code timeout} passed, and returns the last verdict.
   */
  static PipelineVerdict await(
      Pipeline pipeline, TraceLedger ledger, int traces, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (StoreAudit store = new StoreAudit(pipeline.store(), pipeline.projectId())) {
      while (true) {
        PipelineVerdict verdict = judge(pipeline, ledger, traces, store);
        if (verdict.problems.isEmpty() || System.nanoTime() > deadline) {
          log.info("Verdict: {}", verdict.figures.summary());
          verdict.problems.forEach(p -> log.warn("Not held: {}", p));
          return verdict;
        }
        log.info("Not all held yet: {}", verdict.problems.get(0));
        Pause.millis(2_000);
      }
    }
  }

  /** What a trace's ingest times call for. */
  private static final class Timeline {
    final Set<String> spanIds = new HashSet<>();
    long records;
    long lastIngestMillis = -1;
    int minRevisions = 1;
    int maxRevisions = 1;

    void add(String spanId, long ingestMillis, long quietMillis) {
      records++;
      if (!spanIds.add(spanId)) {
        return; // a duplicate: dropped by the stream, moves no deadline
      }
      if (lastIngestMillis >= 0) {
        long gap = ingestMillis - lastIngestMillis;
        if (gap >= quietMillis + AMBIGUOUS_GAP_MILLIS) {
          minRevisions++;
          maxRevisions++;
        } else if (gap >= quietMillis - AMBIGUOUS_GAP_MILLIS) {
          maxRevisions++;
        }
      }
      lastIngestMillis = ingestMillis;
    }
  }

  private static PipelineVerdict judge(
      Pipeline pipeline, TraceLedger ledger, int traces, StoreAudit store) {
    long quietMillis = pipeline.quietWindow().toMillis();
    Timeline[] timelines = new Timeline[traces];
    readAll(
        pipeline.bootstrapServers(),
        Topics.SPANS.name(),
        false,
        record -> {
          int trace = traceNumber(ledger, pipeline.projectId(), record.key(), traces);
          if (trace < 0) {
            return;
          }
          Header spanId = record.headers().lastHeader(SpanHeaders.SPAN_ID);
          if (timelines[trace] == null) {
            timelines[trace] = new Timeline();
          }
          timelines[trace].add(
              spanId == null
                  ? "offset " + record.partition() + "/" + record.offset()
                  : new String(spanId.value(), StandardCharsets.UTF_8),
              record.timestamp(),
              quietMillis);
        });
    List<Map<Integer, Integer>> emitted = new ArrayList<>(traces);
    List<Map<Integer, Integer>> lastSpanCounts = new ArrayList<>(traces);
    for (int t = 0; t < traces; t++) {
      emitted.add(new TreeMap<>());
      lastSpanCounts.add(new HashMap<>());
    }
    readAll(
        pipeline.bootstrapServers(),
        Topics.COMPLETED_TRACES.name(),
        true,
        record -> {
          int trace = traceNumber(ledger, pipeline.projectId(), record.key(), traces);
          if (trace < 0) {
            return;
          }
          CompletedTrace completed = COMPLETED.decode(record.value());
          emitted.get(trace).merge(completed.getRevision(), 1, Integer::sum);
          lastSpanCounts.get(trace).put(completed.getRevision(), completed.getSpans().size());
        });
    Set<String> triggerIds = new HashSet<>();
    long[] triggerCounts = new long[2]; // records, duplicates
    List<Map<Integer, Integer>> triggered = new ArrayList<>(traces);
    for (int t = 0; t < traces; t++) {
      triggered.add(new HashMap<>());
    }
    readAll(
        pipeline.bootstrapServers(),
        Topics.EVALUATION_TRIGGERS.name(),
        true,
        record -> {
          int trace = traceNumber(ledger, pipeline.projectId(), record.key(), traces);
          if (trace < 0) {
            return;
          }
          EvaluationTrigger trigger = TRIGGERS.decode(record.value());
          triggerCounts[0]++;
          if (!triggerIds.add(trigger.getTriggerId().toString())) {
            triggerCounts[1]++;
          }
          triggered.get(trace).merge(trigger.getRevision(), 1, Integer::sum);
        });
    StoreAudit.Audit audit = store.audit(ledger, traces);
    int[] storedRevision = store.completeRevisions(ledger, traces);

    Problems problems = new Problems();
    int judged = 0;
    long spansAcked = 0;
    long spanRecords = 0;
    long incomplete = 0;
    long revisionsEmitted = 0;
    long revisionsDuplicated = 0;
    long wrongRevisions = 0;
    long ambiguous = 0;
    long withoutOneTrigger = 0;
    Map<Integer, Long> byRevisions = new TreeMap<>();
    for (int t = 0; t < traces; t++) {
      int acked = ledger.ackedSpans(t);
      if (acked == 0) {
        continue;
      }
      judged++;
      spansAcked += acked;
      String id = "trace " + t;
      Timeline timeline = timelines[t];
      if (timeline == null || timeline.spanIds.size() < acked) {
        problems.add(
            "acknowledged spans missing from tracefold.spans",
            id
                + ": "
                + acked
                + " acknowledged, "
                + (timeline == null ? 0 : timeline.spanIds.size())
                + " on the topic");
        continue;
      }
      spanRecords += timeline.records;
      if (timeline.minRevisions != timeline.maxRevisions) {
        ambiguous++;
      }
      Map<Integer, Integer> revisions = emitted.get(t);
      int n = revisions.size();
      revisionsEmitted += n;
      byRevisions.merge(n, 1L, Long::sum);
      for (Map.Entry<Integer, Integer> r : revisions.entrySet()) {
        if (r.getValue() > 1) {
          revisionsDuplicated += r.getValue() - 1;
          problems.add(
              "a revision emitted twice on tracefold.traces.completed",
              id + " revision " + r.getKey() + " emitted " + r.getValue() + " times");
        }
      }
      boolean consecutive = n == 0 || ((TreeMap<Integer, Integer>) revisions).lastKey() == n;
      boolean asCalledFor = n >= timeline.minRevisions && n <= timeline.maxRevisions;
      if (n == 0) {
        problems.add("traces never emitted as completed", id);
      } else if (!consecutive || !asCalledFor) {
        wrongRevisions++;
        problems.add(
            "traces emitted with other revisions than their ingest times call for",
            id
                + ": revisions "
                + revisions.keySet()
                + ", called for "
                + timeline.minRevisions
                + (timeline.maxRevisions > timeline.minRevisions
                    ? " or " + timeline.maxRevisions
                    : ""));
      } else {
        int lastSpans = lastSpanCounts.get(t).get(n);
        if (lastSpans != timeline.spanIds.size()) {
          problems.add(
              "a trace's last revision without every span of the trace",
              id
                  + ": revision "
                  + n
                  + " has "
                  + lastSpans
                  + " spans, the topic "
                  + timeline.spanIds.size());
        }
      }
      if (storedRevision[t] == 0) {
        incomplete++;
        problems.add("traces not stored as complete", id);
      } else if (storedRevision[t] != n) {
        wrongRevisions += asCalledFor ? 1 : 0;
        problems.add(
            "traces stored with another revision than emitted",
            id + ": stored " + storedRevision[t] + ", emitted " + n);
      }
      if (pipeline.triggersExpected()) {
        Map<Integer, Integer> fired = triggered.get(t);
        for (int r : revisions.keySet()) {
          int count = fired.getOrDefault(r, 0);
          if (count != 1) {
            withoutOneTrigger++;
            problems.add(
                "revisions without exactly one trigger",
                id + " revision " + r + ": " + count + " triggers");
          }
        }
      }
    }
    if (audit.lostSpans() > 0) {
      problems.add(
          "acknowledged spans without a row in spans",
          audit.lostSpans() + " spans in " + audit.tracesWithLostSpans() + " traces");
    }
    if (triggerCounts[1] > 0) {
      problems.add("trigger ids published twice", triggerCounts[1] + " duplicate records");
    }
    Figures figures =
        new Figures(
            judged,
            spansAcked,
            audit.storedSpans(),
            audit.lostSpans(),
            spanRecords,
            incomplete,
            revisionsEmitted,
            revisionsDuplicated,
            wrongRevisions,
            ambiguous,
            byRevisions,
            triggerCounts[0],
            triggerCounts[1],
            withoutOneTrigger);
    return new PipelineVerdict(figures, problems.list());
  }

  /** Problems by kind, with a count and the first few examples each (ClusterChecks' too). */
  static final class Problems {
    private final Map<String, List<String>> examples = new java.util.LinkedHashMap<>();
    private final Map<String, Integer> counts = new HashMap<>();

    void add(String kind, String example) {
      counts.merge(kind, 1, Integer::sum);
      List<String> list = examples.computeIfAbsent(kind, k -> new ArrayList<>());
      if (list.size() < EXAMPLES) {
        list.add(example);
      }
    }

    List<String> list() {
      List<String> out = new ArrayList<>();
      examples.forEach((kind, list) -> out.add(kind + " (" + counts.get(kind) + "), e.g. " + list));
      return out;
    }
  }

  private static int traceNumber(TraceLedger ledger, String projectId, byte[] key, int traces) {
    String text = new String(key, StandardCharsets.UTF_8);
    int slash = text.lastIndexOf('/');
    if (slash < 0 || !text.substring(0, slash).equals(projectId)) {
      return -1;
    }
    int trace = ledger.traceNumber(text.substring(slash + 1));
    return trace < traces ? trace : -1;
  }

  /**
   * Reads every partition of {@code topic} from its beginning to its end offsets as they were when
   * the read began ({@code read_committed}: the last stable offsets), in offset order per
   * partition.
   */
  static void readAll(
      String bootstrapServers,
      String topic,
      boolean readCommitted,
      Consumer<ConsumerRecord<byte[], byte[]>> each) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "pipeline-verdict");
    props.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        readCommitted ? "read_committed" : "read_uncommitted");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end =
          new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Reading " + topic + " took over 2 minutes");
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          if (record.offset() < end.get(partition)) {
            each.accept(record);
          }
        }
      }
    }
  }
}
