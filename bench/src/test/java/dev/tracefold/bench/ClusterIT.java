package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.key.ApiKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real cluster (issue #12): Tracefold's services as separate processes, two gateways, two
 * completion streams, two rollup sinks and trace-api ({@link TracefoldProcesses}), on three KRaft
 * nodes with replication factor 3 and {@code min.insync.replicas} 2 ({@link KafkaClusterProcesses})
 * and a PostgreSQL server of Debian's package ({@link DebianPostgres}). Under OTLP/HTTP load spread
 * over both gateways ({@link AgentLoad}), it kills with SIGKILL, in turn: the Kafka node that is
 * the active controller (restarted 15 s later), one completion-stream instance (the other takes
 * over its partitions; then it is restarted on its state directory) and one sink instance (same).
 * Then {@link ClusterChecks}: every acknowledged span is stored, every trace is complete with
 * exactly the revisions its ingest times call for, every revision fired the {@code every} rule's
 * trigger once and no trigger id was published twice. The surviving instance must resume the killed
 * one's partitions within the consumers' session timeout plus a generous allowance for this test's
 * machine; the measured times are reported, not judged further.
 *
 * <p>Logs of every process, the report ({@code report.md}) and all data are kept under {@code
 * bench/target/cluster-it/}. Runs in the {@code cluster} profile (failsafe; surefire leaves it
 * out): {@code ./mvnw -B verify -Pcluster}, or alone {@code ./mvnw -B verify -pl bench -am
 * -Pcluster -Dtest=ClusterChecksTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ClusterIT
 * -Dconsole.e2e.skip=true}.
 */
class ClusterIT {
  private static final Logger log = LoggerFactory.getLogger(ClusterIT.class);
  private static final String PROJECT = "cluster";
  private static final Duration QUIET_WINDOW = Duration.ofSeconds(3);
  private static final Duration AMBIGUITY = Duration.ofMillis(300);

  /** The consumers' {@code session.timeout.ms}: Kafka's default, which the services keep. */
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(45);

  /** Rebalance, state restore and catching up on two shared cores, beyond the session timeout. */
  private static final Duration TAKEOVER_ALLOWANCE = Duration.ofSeconds(75);

  private static final String STREAM_GROUP = "tracefold-completion-stream";
  private static final List<String> SINK_GROUPS =
      List.of("tracefold-rollup-sink-spans", "tracefold-rollup-sink-traces");
  private static final List<String> JVM_OPTIONS =
      List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, String> figures = new LinkedHashMap<>();

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void everySpanStoredOnceWithTheRevisionsItsIngestTimesCallForWhileBrokerStreamAndSinkAreKilled()
      throws Exception {
    Path dir = Path.of("target", "cluster-it").toAbsolutePath();
    deleteRecursively(dir);
    Files.createDirectories(dir);
    String apiKey = ApiKeys.generate();
    long started = System.nanoTime();
    try (DebianPostgres postgres =
            DebianPostgres.start(dir.resolve("postgres"), "tracefold", "tracefold", "tf-cluster");
        KafkaClusterProcesses kafka = KafkaClusterProcesses.start(dir, 3, withHeap("512m"));
        TracefoldProcesses services =
            TracefoldProcesses.start(
                new TracefoldProcesses.Settings(
                    dir,
                    kafka.bootstrapServers(),
                    postgres,
                    apiKey + "=" + PROJECT,
                    Map.of(
                        "TRACEFOLD_COMPLETION_QUIET_WINDOW",
                        QUIET_WINDOW.toMillis() + "ms",
                        // only the quiet window decides, so ingest times alone give the revisions
                        "TRACEFOLD_COMPLETION_ROOT_AWARE",
                        "false",
                        // as deploy/k8s: a span appended to a leader waits for its replicas (up to
                        // replica.lag.time.max.ms when one dies) before the stream can read it
                        "TRACEFOLD_COMPLETION_CLOCK_GRACE",
                        "30s"),
                    withHeap("384m")),
                2);
        Admin admin = kafka.admin()) {
      figures.put("PostgreSQL", postgres.serverVersion());
      figures.put("start-up (PostgreSQL, 3 Kafka nodes, 7 services)", seconds(started));
      String ruleId = createEveryRevisionRule(services.traceApiUri(), apiKey);
      Pause.millis(5_000); // the sinks re-read rules every 2 s

      PipelineBenchOptions options =
          PipelineBenchOptions.parse(
              List.of(
                  "--duration=30m", // ended by finish() once the kills are done
                  "--spans-per-second=300",
                  "--agents=200",
                  "--spans-per-trace=6",
                  "--span-gap=300ms",
                  "--exporters=4",
                  "--batch-size=256",
                  "--export-delay=200ms",
                  "--quiet-window=" + QUIET_WINDOW.toMillis() + "ms"),
              new Properties());
      TraceLedger ledger =
          new TraceLedger(200_000, System.nanoTime(), PROJECT, QUIET_WINDOW.toMillis());
      ClusterChecks checks = new ClusterChecks(ledger, PROJECT, QUIET_WINDOW, AMBIGUITY);
      AgentLoad.Result sent;
      try (CompletedTraceReader reader =
              new CompletedTraceReader(
                  kafka.bootstrapServers(),
                  Topics.COMPLETED_TRACES.name(),
                  false,
                  QUIET_WINDOW.toMillis(),
                  checks.completedListener());
          AgentLoad load =
              new AgentLoad(
                  options,
                  ledger,
                  services.gateways().stream()
                      .map(TracefoldProcesses.Gateway::otlpHttpUri)
                      .toList(),
                  apiKey)) {
        long loadStarted = System.nanoTime();
        Pause.millis(20_000);
        killAndRestartBroker(kafka);
        Pause.millis(10_000);
        killStream(admin, services);
        Pause.millis(10_000);
        killSink(admin, services);
        Pause.millis(10_000);
        load.finish();
        assertThat(load.awaitFinished(TimeUnit.MINUTES.toMillis(3)))
            .as("every started trace sent")
            .isTrue();
        sent = load.result();
        figures.put("load", seconds(loadStarted));
        reader.checkHealthy();

        checks.readIngestTimes(kafka.bootstrapServers());
        long drain = System.nanoTime();
        while (!checks.allFinal() && System.nanoTime() - drain < TimeUnit.MINUTES.toNanos(3)) {
          Pause.millis(1_000);
        }
        figures.put("last revision emitted after the load", seconds(drain));
        assertThat(checks.notFinal()).as("traces without their final revision").isZero();
      }
      try (StoreAudit store =
          new StoreAudit(
              new StoreSettings(postgres.jdbcUrl(), postgres.user(), postgres.password(), 1),
              PROJECT)) {
        int traces = (int) sent.tracesStarted();
        long storing = System.nanoTime();
        StoreAudit.Audit audit = store.audit(ledger, traces);
        while ((audit.lostSpans() > 0 || audit.incompleteTraces() > 0)
            && System.nanoTime() - storing < TimeUnit.MINUTES.toNanos(3)) {
          Pause.millis(1_000);
          audit = store.audit(ledger, traces);
        }
        figures.put("everything stored after the last revision", seconds(storing));
        checks.readTriggers(kafka.bootstrapServers(), ruleId, Duration.ofMinutes(2));
        ClusterChecks.Verdict verdict =
            checks.verdict(audit, store.completeRevisions(ledger, traces), traces);
        report(dir, sent, verdict, System.nanoTime() - started);

        assertThat(sent.spansFailed()).as("spans of requests that failed for good").isZero();
        assertThat(verdict.traces()).isEqualTo(traces);
        assertThat(verdict.failures()).as("failed checks").isEmpty();
        assertThat(verdict.lostSpans()).isZero();
        assertThat(verdict.duplicateTriggerIds()).isZero();
      }
    }
  }

  private void killAndRestartBroker(KafkaClusterProcesses kafka) {
    int victim = kafka.activeController();
    long killed = System.nanoTime();
    kafka.kill(victim);
    log.info("Killed Kafka node {} (the active controller)", victim);
    Pause.millis(15_000);
    kafka.restart(victim);
    figures.put("Kafka node killed", victim + " (the active controller), restarted 15 s later");
    figures.put("Kafka node back as a broker after the kill", seconds(killed));
    Duration inSync =
        kafka.awaitFullyReplicated(
            List.of(
                Topics.SPANS.name(),
                Topics.COMPLETED_TRACES.name(),
                Topics.EVALUATION_TRIGGERS.name(),
                "__consumer_offsets",
                "__transaction_state"),
            Duration.ofMinutes(3));
    figures.put("every partition in sync again after the restart", format(inSync));
  }

  private void killStream(Admin admin, TracefoldProcesses services) {
    TracefoldProcesses.Service stream = services.stream(1);
    Map<TopicPartition, Long> before = GroupTakeover.committed(admin, STREAM_GROUP);
    long killed = System.nanoTime();
    stream.jvm().kill();
    Duration takeover =
        GroupTakeover.awaitResumed(
            admin, STREAM_GROUP, before, killed, SESSION_TIMEOUT.plus(TAKEOVER_ALLOWANCE));
    figures.put(
        "completion-stream: stream-2 resumed stream-1's partitions after", format(takeover));
    stream.restart();
    figures.put(
        "completion-stream: stream-1 restarted and healthy after the kill", seconds(killed));
  }

  private void killSink(Admin admin, TracefoldProcesses services) {
    TracefoldProcesses.Service sink = services.sink(1);
    List<Map<TopicPartition, Long>> before = new ArrayList<>();
    SINK_GROUPS.forEach(group -> before.add(GroupTakeover.committed(admin, group)));
    long killed = System.nanoTime();
    sink.jvm().kill();
    for (int i = 0; i < SINK_GROUPS.size(); i++) {
      Duration takeover =
          GroupTakeover.awaitResumed(
              admin,
              SINK_GROUPS.get(i),
              before.get(i),
              killed,
              SESSION_TIMEOUT.plus(TAKEOVER_ALLOWANCE));
      figures.put(
          "rollup-sink: sink-2 resumed sink-1's partitions of " + SINK_GROUPS.get(i) + " after",
          format(takeover));
    }
    sink.restart();
    figures.put("rollup-sink: sink-1 restarted and healthy after the kill", seconds(killed));
  }

  /** {@code POST /api/v1/evaluation-rules}: every revision of every trace, sampled at 100%. */
  private String createEveryRevisionRule(URI traceApi, String apiKey)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(traceApi.resolve("/api/v1/evaluation-rules"))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\": \"every revision\", \"turn\": \"every\","
                            + " \"sampling_percent\": 100}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    JsonNode rule = json.readTree(response.body());
    return rule.get("id").asText();
  }

  private void report(Path dir, AgentLoad.Result sent, ClusterChecks.Verdict v, long totalNanos)
      throws IOException {
    Map<String, String> rows = new LinkedHashMap<>(figures);
    rows.put(
        "acknowledged spans/s (first send to last acknowledgement)",
        String.format(Locale.ROOT, "%.0f", sent.ackedSpansPerSecond()));
    rows.put("traces", Long.toString(sent.tracesStarted()));
    rows.put(
        "spans acknowledged / on tracefold.spans / stored / lost",
        v.acknowledgedSpans()
            + " / "
            + v.spanRecords()
            + " / "
            + v.storedSpans()
            + " / "
            + v.lostSpans());
    rows.put("spans of requests failed for good", Long.toString(sent.spansFailed()));
    rows.put(
        "requests retried: 503 / 429 / transport",
        sent.retried503() + " / " + sent.retried429() + " / " + sent.retriedTransport());
    rows.put(
        "re-sent span records (dropped by the stream as duplicates)",
        Long.toString(v.duplicateSpanRecords()));
    rows.put("traces by revisions emitted", v.tracesByRevisions().toString());
    rows.put(
        "traces whose ingest times surely call for more than 1 revision",
        Integer.toString(v.tracesSplitByGaps()));
    rows.put(
        "traces with a gap within "
            + AMBIGUITY.toMillis()
            + " ms of the quiet window (either count accepted)",
        Integer.toString(v.ambiguousTraces()));
    rows.put(
        "completed records / revisions emitted twice",
        v.completedRecords() + " / " + v.duplicateRevisions());
    rows.put(
        "triggers (read_committed) / duplicate trigger ids / revisions without trigger",
        v.triggerRecords() + " / " + v.duplicateTriggerIds() + " / " + v.missingTriggers());
    rows.put("failed checks", v.failures().isEmpty() ? "none" : String.join("\n", v.failures()));
    rows.put("whole test", format(Duration.ofNanos(totalNanos)));
    StringBuilder text = new StringBuilder("| figure | value |\n| --- | --- |\n");
    rows.forEach(
        (k, value) -> text.append("| ").append(k).append(" | ").append(value).append(" |\n"));
    Files.writeString(dir.resolve("report.md"), text, StandardCharsets.UTF_8);
    log.info("Cluster test report:\n{}", text);
  }

  private static List<String> withHeap(String heap) {
    List<String> options = new ArrayList<>(JVM_OPTIONS);
    options.add("-Xmx" + heap);
    return options;
  }

  private static String seconds(long sinceNanos) {
    return format(Duration.ofNanos(System.nanoTime() - sinceNanos));
  }

  private static String format(Duration duration) {
    return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
