package dev.tracefold.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.embedded.EmbeddedKafkaBroker;
import dev.tracefold.gateway.ratelimit.ProjectRateLimiter;
import dev.tracefold.gateway.ratelimit.RateLimit;
import dev.tracefold.gateway.ratelimit.RateLimitSettings;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.topic.Topics;
import dev.tracefold.service.KafkaSettings;
import dev.tracefold.service.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one ingest path every transport uses, driven without a transport: limits, rate limits,
 * producing to a real embedded broker, the outcome of every failure (a broker that cannot be
 * reached, a record over the producer's size limit), and the request metrics.
 */
class IngestPipelineTest {
  @TempDir static Path dataDir;

  private static EmbeddedKafkaBroker broker;
  private static KafkaSettings kafka;

  private static final String PROTOCOL = "test-protocol";
  private static final long SECOND = 1_000_000_000L;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final IngestMetrics metrics = new IngestMetrics(registry);
  private final TransportMetrics transport = metrics.forTransport(PROTOCOL);
  private final List<Producer<String, Span>> producers = new ArrayList<>();
  private Producer<String, Span> producer = producer(Map.of());
  private final AtomicLong nanoTime = new AtomicLong(7 * SECOND);
  private IngestPipeline pipeline = pipeline();
  private long offsetsBefore = spanRecords();

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder().dataDir(dataDir.resolve("kafka")).build();
    broker.start();
    kafka = new KafkaSettings(broker.bootstrapServers(), 2, (short) 1, 8 * 1024 * 1024);
    TopicProvisioner.ensureTopics(kafka);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @AfterEach
  void closeProducers() {
    producers.forEach(Producer::close);
  }

  /** A producer of the gateway's configuration on the embedded broker, with {@code overrides}. */
  private Producer<String, Span> producer(Map<String, Object> overrides) {
    Map<String, Object> config =
        new HashMap<>(KafkaSpanProducers.config(kafka, Duration.ofSeconds(5)));
    config.putAll(overrides);
    Producer<String, Span> created =
        new KafkaProducer<>(
            config, Topics.SPANS.keySerde().serializer(), Topics.SPANS.valueSerde().serializer());
    producers.add(created);
    return created;
  }

  /** Records on tracefold.spans produced since the test started. */
  private long produced() {
    return spanRecords() - offsetsBefore;
  }

  private static long spanRecords() {
    if (kafka == null) {
      return 0;
    }
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.SPANS.name()).stream()
              .map(PartitionInfo::partition)
              .map(p -> new TopicPartition(Topics.SPANS.name(), p))
              .collect(Collectors.toList());
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private IngestPipeline pipeline() {
    return new IngestPipeline(
        new SpanIngester(
            producer,
            Duration.ofSeconds(5),
            metrics,
            Runnable::run,
            Clock.systemUTC(),
            IngestLimits.defaults()),
        new ProjectRateLimiter(
            new RateLimitSettings(
                new RateLimit(5, 0),
                Duration.ofSeconds(1),
                Map.of("unlimited", RateLimit.UNLIMITED, "bytes", new RateLimit(0, 100))),
            nanoTime::get),
        IngestLimits.defaults().withMaxSpansPerRequest(3));
  }

  /** What the responder saw, for the assertions. */
  private final List<Object> answeredRequests = new ArrayList<>();

  @Test
  void acceptedSpansAreProducedAndTheAnswerCounted() {
    IngestOutcome outcome = ingest(request("unlimited", batch(2, 0)));

    assertThat(outcome).isEqualTo(new IngestOutcome.Accepted(new IngestResult(2, List.of())));
    assertThat(produced()).isEqualTo(2);
    assertThat(count("tracefold.gateway.spans.accepted")).isEqualTo(2);
    assertThat(requests(200)).isEqualTo(1);
  }

  @Test
  void invalidSpansArePartiallyAcceptedWithTheOtlpSummary() {
    IngestOutcome outcome = ingest(request("unlimited", batch(2, 1)));

    assertThat(outcome).isInstanceOf(IngestOutcome.PartiallyAccepted.class);
    IngestOutcome.PartiallyAccepted partial = (IngestOutcome.PartiallyAccepted) outcome;
    assertThat(partial.rejectedSpans()).isEqualTo(1);
    assertThat(partial.message()).isEqualTo("1 of 3 spans rejected: span #0: name is missing");
    assertThat(partial.httpStatus()).isEqualTo(200);
    assertThat(produced()).isEqualTo(2);
    assertThat(requests(200)).isEqualTo(1);
  }

  @Test
  void batchesAreProducedInOrderAndTheirResultsAdded() {
    IngestOutcome outcome = ingest(request("unlimited", batch(3, 0), batch(1, 1)));

    assertThat(outcome).isInstanceOf(IngestOutcome.PartiallyAccepted.class);
    assertThat(((IngestOutcome.PartiallyAccepted) outcome).result().acceptedSpans()).isEqualTo(4);
    assertThat(produced()).isEqualTo(4);
  }

  @Test
  void everyBatchIsCheckedAgainstTheSpanLimitBeforeAnythingIsProduced() {
    // an upload-shaped request: the second batch is over the limit, so nothing is produced
    IngestOutcome outcome = ingest(request("unlimited", batch(3, 0), batch(3, 1)));

    assertThat(outcome)
        .isEqualTo(
            new IngestOutcome.Refused(
                413,
                "request carries 4 spans, more than the limit of 3"
                    + " (tracefold.gateway.max-spans-per-request); send at most 3 spans per"
                    + " request",
                0));
    assertThat(produced()).isZero();
    assertThat(requests(413)).isEqualTo(1);
  }

  @Test
  void overTheRateLimitIs429WithTheWaitAndNothingIsProduced() {
    assertThat(ingest(request("p", batch(3, 0))).httpStatus()).isEqualTo(200);

    IngestOutcome outcome = ingest(request("p", batch(3, 0)));

    assertThat(outcome)
        .isEqualTo(
            new IngestOutcome.Refused(
                429,
                "project 'p' is over its rate limit of 5 spans/s and unlimited bytes/s (burst 1s);"
                    + " retry after 1 s",
                1));
    assertThat(((IngestOutcome.Refused) outcome).hasRetryAfter()).isTrue();
    assertThat(produced()).isEqualTo(3);
    assertThat(count("tracefold.gateway.rate.limited")).isEqualTo(1);
    assertThat(requests(429)).isEqualTo(1);
  }

  @Test
  void aBodyOverTheByteRateLimitIs429BeforeItIsParsed() {
    // issue #12: the limit was charged after the whole body was parsed (a 10 MB upload: 40 s CPU)
    pipeline.admitBody("bytes", 100); // a full bucket: 100 bytes
    AtomicBoolean parsed = new AtomicBoolean();
    IngestOutcome outcome =
        ingest(
            CompletableFuture.supplyAsync(
                () -> {
                  pipeline.admitBody("bytes", 50);
                  parsed.set(true);
                  return request("bytes", batch(1, 0));
                }));

    assertThat(outcome)
        .isEqualTo(
            new IngestOutcome.Refused(
                429,
                "project 'bytes' is over its rate limit of unlimited spans/s and 100 bytes/s"
                    + " (burst 1s); retry after 1 s",
                1));
    assertThat(parsed.get()).isFalse();
    assertThat(produced()).isZero();
    assertThat(requests(429)).isEqualTo(1);
  }

  @Test
  void kafkaUnreachableIs503WithRetryAfterFiveSeconds() {
    // nothing listens there: the send waits max.block.ms for metadata, then fails
    producer =
        producer(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                "localhost:1",
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                500));
    pipeline = pipeline();

    IngestOutcome outcome = ingest(request("unlimited", batch(1, 0)));

    assertThat(outcome).isInstanceOf(IngestOutcome.Refused.class);
    IngestOutcome.Refused refused = (IngestOutcome.Refused) outcome;
    assertThat(refused.httpStatus()).isEqualTo(503);
    assertThat(refused.message())
        .startsWith("Kafka did not acknowledge 1 span within 5000ms: ")
        .endsWith("; retry later");
    assertThat(refused.retryAfterSeconds())
        .isEqualTo(IngestPipeline.UNAVAILABLE_RETRY_AFTER_SECONDS);
    assertThat(requests(503)).isEqualTo(1);
    assertThat(
            registry
                .get("tracefold.gateway.spans.rejected")
                .tags("protocol", PROTOCOL, "reason", "kafka_unavailable")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void aSpanTooLargeForKafkaIsRejectedNotRetried() {
    producer = producer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 200));
    pipeline = pipeline();

    IngestOutcome outcome = ingest(request("unlimited", batch(1, 0)));

    assertThat(outcome).isInstanceOf(IngestOutcome.PartiallyAccepted.class);
    assertThat(((IngestOutcome.PartiallyAccepted) outcome).message())
        .startsWith(
            "1 of 1 spans rejected: span 00000000000000a0 'span 0' is too large for Kafka: ")
        .contains("max.request.size");
    assertThat(produced()).isZero();
  }

  @Test
  void aRefusalWhileDecodingKeepsItsStatusAndMessage() {
    IngestOutcome outcome =
        ingest(
            CompletableFuture.failedFuture(
                new RequestRefusedException(415, "Content-Type 'text/plain' is not supported")));

    assertThat(outcome)
        .isEqualTo(new IngestOutcome.Refused(415, "Content-Type 'text/plain' is not supported", 0));
    assertThat(answeredRequests).containsExactly("no request");
    assertThat(requests(415)).isEqualTo(1);
  }

  @Test
  void anUnexpectedFailureIs500NamingItsClass() {
    IngestOutcome outcome =
        ingest(
            request(
                "unlimited",
                () -> {
                  throw new IllegalStateException("bug");
                }));

    assertThat(outcome)
        .isEqualTo(new IngestOutcome.Refused(500, "internal error: IllegalStateException", 0));
    assertThat(requests(500)).isEqualTo(1);
  }

  @Test
  void theAnswerIsCountedUnderTheStatusTheTransportRendered() {
    IngestPipeline.Responder<IngestRequest, String> nothingStored =
        new IngestPipeline.Responder<>() {
          @Override
          public String answer(IngestRequest request, IngestOutcome outcome) {
            return "400 every trace was invalid";
          }

          @Override
          public int httpStatus(String answer) {
            return 400;
          }
        };

    pipeline
        .ingest(transport, CompletableFuture.completedFuture(request("unlimited")), nothingStored)
        .join();

    assertThat(requests(400)).isEqualTo(1);
    assertThat(registry.find("tracefold.gateway.requests").tag("status", "200").counter()).isNull();
  }

  private IngestOutcome ingest(IngestRequest request) {
    return ingest(CompletableFuture.completedFuture(request));
  }

  private IngestOutcome ingest(CompletableFuture<IngestRequest> request) {
    IngestPipeline.Responder<IngestRequest, IngestOutcome> responder =
        new IngestPipeline.Responder<>() {
          @Override
          public IngestOutcome answer(IngestRequest request, IngestOutcome outcome) {
            answeredRequests.add(request == null ? "no request" : request);
            return outcome;
          }

          @Override
          public int httpStatus(IngestOutcome answer) {
            return answer.httpStatus();
          }
        };
    return pipeline.ingest(transport, request, responder).join();
  }

  private static IngestRequest request(String projectId, NormalizedBatch... batches) {
    return request(projectId, () -> List.of(batches));
  }

  private static IngestRequest request(String projectId, Supplier<List<NormalizedBatch>> batches) {
    return new IngestRequest() {
      @Override
      public String projectId() {
        return projectId;
      }

      @Override
      public List<NormalizedBatch> normalize() {
        return batches.get();
      }
    };
  }

  private static NormalizedBatch batch(int valid, int invalid) {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < valid; i++) {
      spans.add(span(i));
    }
    List<SpanRejection> rejections = new ArrayList<>();
    for (int i = 0; i < invalid; i++) {
      rejections.add(
          new SpanRejection(RejectionReason.MISSING_NAME, "span #" + i + ": name is missing"));
    }
    return new NormalizedBatch(spans, rejections);
  }

  private static Span span(int index) {
    return Span.newBuilder()
        .setProjectId("p")
        .setTraceId("0af7651916cd43dd8448eb211c80319c")
        .setSpanId(String.format("%016x", 0xa0 + index))
        .setName("span " + index)
        .setKind(SpanKind.AGENT)
        .setStartEpochNanos(1L)
        .setEndEpochNanos(2L)
        .setStatus(SpanStatus.OK)
        .build();
  }

  private double requests(int status) {
    return registry
        .get("tracefold.gateway.requests")
        .tags("protocol", PROTOCOL, "status", Integer.toString(status))
        .counter()
        .count();
  }

  private double count(String name) {
    return registry.get(name).tag("protocol", PROTOCOL).counter().count();
  }
}
