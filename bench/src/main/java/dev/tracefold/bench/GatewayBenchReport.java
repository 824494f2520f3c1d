package dev.tracefold.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one {@link GatewayBench} run and their Markdown rendering. Immutable.
 *
 * @param options the run's options
 * @param startedAt when the run started
 * @param finishedAt when it finished
 * @param loadAverageAtStart 1-minute system load average at the start (-1 if unknown)
 * @param loadAverageAtEnd the same at the end
 * @param requestBytes size of one encoded request, bytes
 * @param statusWithoutKey HTTP status of a request sent without an API key (401: auth is on)
 * @param gateway the gateway's measured window
 * @param gatewayCpu CPU of this JVM in that window
 * @param raw the raw producer's measured part
 * @param spansOnTopic records on {@code tracefold.spans} at the end (warm-ups included)
 */
record GatewayBenchReport(
    GatewayBenchOptions options,
    Instant startedAt,
    Instant finishedAt,
    double loadAverageAtStart,
    double loadAverageAtEnd,
    int requestBytes,
    int statusWithoutKey,
    ClosedLoop.Result gateway,
    CpuMeter.Usage gatewayCpu,
    RawSpanProducer.Result raw,
    long spansOnTopic) {

  /** The target: the gateway reaches this share of the raw producer's spans/s. */
  static final double TARGET_RATIO = 0.60;

  /** Spans accepted per second by the gateway in its window. */
  double gatewaySpansPerSecond() {
    return gateway.itemsPerSecond();
  }

  /** Gateway spans/s over raw spans/s. */
  double ratio() {
    return gatewaySpansPerSecond() / raw.spansPerSecond();
  }

  /** The whole report as Markdown. */
  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Tracefold ingest-gateway benchmark\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Run %s, %s mode, %s in total. The ingest gateway (OTLP/HTTP, API key"
                + " authentication on) in this JVM on an in-process Kafka broker, loaded by %d closed-loop clients"
                + " sending %,d-span protobuf requests for %s after a %s warm-up; then the raw producer ceiling with the"
                + " same number of spans.%n%n",
            startedAt.truncatedTo(ChronoUnit.SECONDS),
            options.quick() ? "quick (smoke)" : "full",
            ReportSections.human(Duration.between(startedAt, finishedAt)),
            options.clients(),
            options.spansPerRequest(),
            ScenarioRunner.text(options.duration()),
            ScenarioRunner.text(options.warmup())));
    md.append(
        "| path | spans | time s | spans/s | requests/s | latency p50 / p99 / max ms"
            + " | process CPU ms per 10k spans |\n");
    md.append("|---|--:|--:|--:|--:|--:|--:|\n");
    md.append(
        String.format(
            Locale.ROOT,
            "| gateway: OTLP/HTTP protobuf → Kafka | %,d | %.1f | %,.0f | %,.1f | %s | %,.0f |%n",
            gateway.items(),
            gateway.windowNanos() / 1e9,
            gatewaySpansPerSecond(),
            gateway.requestsPerSecond(),
            gateway.p50p99max(),
            perTenThousand(gatewayCpu.processNanos(), gateway.items())));
    md.append(
        String.format(
            Locale.ROOT,
            "| raw: KafkaProducer → Kafka | %,d | %.1f | %,.0f | n/a | n/a | %,.0f |%n%n",
            raw.spans(),
            raw.nanos() / 1e9,
            raw.spansPerSecond(),
            perTenThousand(raw.cpu().processNanos(), raw.spans())));
    md.append(
        String.format(
            Locale.ROOT,
            "**gateway / raw: %.0f%%** (the issue's target: at least %.0f%%; %s).%n%n",
            ratio() * 100,
            TARGET_RATIO * 100,
            ratio() >= TARGET_RATIO ? "met" : "not met in this run"));
    md.append(cpuTable());
    md.append("## Notes\n\n").append(notes()).append('\n');
    md.append("## Machine\n\n")
        .append(ReportSections.machine(loadAverageAtStart, loadAverageAtEnd))
        .append('\n');
    md.append(ReportSections.reproduce(GatewayBench.class, options.args(), options.effective()));
    return md.toString();
  }

  private String cpuTable() {
    StringBuilder md = new StringBuilder();
    double seconds = gateway.windowNanos() / 1e9;
    md.append(
        "CPU of the gateway's window, by thread group (`ThreadMXBean` per-thread CPU time; the whole process"
            + " from `OperatingSystemMXBean#getProcessCpuTime`):\n\n");
    md.append(
        "| threads | CPU ms per 10k accepted spans | cores busy on average |\n|---|--:|--:|\n");
    for (String group :
        new String[] {
          GatewayBench.GATEWAY_THREADS, GatewayBench.LOAD_THREADS, GatewayBench.OTHER_THREADS
        }) {
      md.append(cpuRow(group, gatewayCpu.of(group), seconds));
    }
    md.append(cpuRow("GC, JIT and not attributed", gatewayCpu.unattributedNanos(), seconds));
    md.append(cpuRow("**whole process**", gatewayCpu.processNanos(), seconds)).append('\n');
    return md.toString();
  }

  private String cpuRow(String what, long nanos, double seconds) {
    return String.format(
        Locale.ROOT,
        "| %s | %,.0f | %.2f |%n",
        what,
        perTenThousand(nanos, gateway.items()),
        nanos / 1e9 / seconds);
  }

  private String notes() {
    double[] ms = gateway.latencyMillis();
    return String.join(
        "\n",
        String.format(
            Locale.ROOT,
            "- Gateway window: %,d requests completed, %,d answered 200 without rejected spans"
                + " (only those count); %,d requests failed in the whole run%s. Latency p50 / p95 / p99 / max:"
                + " %.1f / %.1f / %.1f / %.1f ms (send to response, in the client).",
            gateway.requests(),
            gateway.ok(),
            gateway.failuresAll(),
            gateway.firstFailure() == null
                ? ""
                : " (first: " + gateway.firstFailure().replace('|', '/') + ")",
            ms[0],
            ms[1],
            ms[2],
            ms[3]),
        String.format(
            Locale.ROOT,
            "- Authentication on: a request without an API key was answered %d; every counted"
                + " request carried `Authorization: Bearer <key>` of a key given as configuration (`TRACEFOLD_API_KEYS`),"
                + " stored hashed in PostgreSQL and cached by the gateway (5 s).",
            statusWithoutKey),
        "- Rate limits off (`RateLimitSettings.unlimited()`): with the defaults one project is capped at 50,000"
            + " spans/s per gateway replica, which would measure the limit instead of the gateway.",
        String.format(
            Locale.ROOT,
            "- Requests: %,d distinct `ExportTraceServiceRequest`s cycled through, %,d bytes"
                + " each (%,d per span), not compressed; traces of %d spans (an `invoke_agent` root, `chat`,"
                + " `execute_tool` and `retrieval` children with GenAI attributes, session and user ids, short"
                + " input/output messages).",
            GatewayBench.REQUEST_POOL,
            requestBytes,
            requestBytes / Math.max(1, options.spansPerRequest()),
            OtlpRequestFactory.SPANS_PER_TRACE),
        String.format(
            Locale.ROOT,
            "- Raw: the same requests normalised by the gateway's `SpanNormalizer` into Avro"
                + " `Span` records, keyed by trace as the gateway keys them, sent by %d threads through one"
                + " producer with the gateway's own configuration (`KafkaSpanProducers`: acks=all, idempotent, zstd,"
                + " linger 5 ms, default batch size); time = first send to the last acknowledgement (flush), after"
                + " a %s warm-up.",
            raw.threads(),
            ScenarioRunner.text(options.warmup())),
        String.format(
            Locale.ROOT,
            "- `tracefold.spans` held %,d records at the end (%d partitions; both warm-ups"
                + " included).",
            spansOnTopic,
            options.partitions()),
        "- One JVM holds the gateway, the broker and the load generator (and, in the raw part, the sending threads);"
            + " PostgreSQL is a separate process, asked only when the key cache expires. The process CPU column is"
            + " therefore everything in the JVM; the thread groups split it. On a machine with few cores the"
            + " broker and the clients take cores the gateway would otherwise use: compare the ratio, not absolute"
            + " spans/s across machines.",
        "");
  }

  private static double perTenThousand(long nanos, long spans) {
    return spans == 0 ? Double.NaN : nanos / 1e6 / (spans / 10_000.0);
  }

  /** Collects the figures as the run produces them. Not thread-safe. */
  static final class Builder {
    private final GatewayBenchOptions options;
    private final Instant startedAt;
    private final double loadAverageAtStart;
    private int requestBytes;
    private int statusWithoutKey;
    private ClosedLoop.Result gateway;
    private volatile CpuMeter.Usage gatewayCpu = new CpuMeter.Usage(0, Map.of());
    private RawSpanProducer.Result raw;
    private long spansOnTopic;

    Builder(GatewayBenchOptions options, Instant startedAt, double loadAverageAtStart) {
      this.options = options;
      this.startedAt = startedAt;
      this.loadAverageAtStart = loadAverageAtStart;
    }

    Builder requestBytes(int bytes) {
      this.requestBytes = bytes;
      return this;
    }

    Builder statusWithoutKey(int status) {
      this.statusWithoutKey = status;
      return this;
    }

    Builder gateway(ClosedLoop.Result result) {
      this.gateway = result;
      return this;
    }

    Builder gatewayCpu(CpuMeter.Usage usage) {
      this.gatewayCpu = usage;
      return this;
    }

    Builder raw(RawSpanProducer.Result result) {
      this.raw = result;
      return this;
    }

    Builder spansOnTopic(long records) {
      this.spansOnTopic = records;
      return this;
    }

    /** Spans the gateway accepted in its window (the raw producer sends as many). */
    long acceptedSpans() {
      return gateway.items();
    }

    GatewayBenchReport finish(Instant finishedAt, double loadAverageAtEnd) {
      return new GatewayBenchReport(
          options,
          startedAt,
          finishedAt,
          loadAverageAtStart,
          loadAverageAtEnd,
          requestBytes,
          statusWithoutKey,
          gateway,
          gatewayCpu,
          raw,
          spansOnTopic);
    }
  }
}
