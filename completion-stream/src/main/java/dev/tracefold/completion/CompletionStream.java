package dev.tracefold.completion;

import dev.tracefold.service.HealthCheck;
import dev.tracefold.service.KafkaSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link CompletionTopology} with Kafka Streams under {@code exactly_once_v2}: creates,
 * starts, waits for {@code RUNNING}, and closes. Thread-safe; {@link #close()} is idempotent,
 * leaves the consumer group and keeps local state (no {@code cleanUp()}), so a restart resumes
 * buffered traces on their original deadlines.
 */
public final class CompletionStream implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CompletionStream.class);
  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private final EndOffsetsPoller progress;
  private final AtomicBoolean closed = new AtomicBoolean();

  private final StreamThreadFailures failures;
  private final StateDirectoryProbe stateDirectory;

  private CompletionStream(
      KafkaStreams streams,
      KafkaStreamsMetrics streamsMetrics,
      EndOffsetsPoller progress,
      StreamThreadFailures failures,
      StateDirectoryProbe stateDirectory) {
    this.streams = streams;
    this.failures = failures;
    this.stateDirectory = stateDirectory;
    this.streamsMetrics = streamsMetrics;
    this.progress = progress;
  }

  /**
   * Starts the stream and waits until it is {@code RUNNING}.
   *
   * @param settings completion settings (quiet window, caps, state dir, application id)
   * @param kafka bootstrap servers and topic sizing
   * @param registry where Tracefold's and Kafka Streams' meters go
   * @param startTimeout how long to wait for {@code RUNNING}
   * @return the running stream
   * @throws IllegalStateException if it is not RUNNING within {@code startTimeout} (it is closed)
   */
  public static CompletionStream start(
      CompletionSettings settings,
      KafkaSettings kafka,
      MeterRegistry registry,
      Duration startTimeout) {
    Objects.requireNonNull(settings, "settings");
    checkFitsCompletedTopic(settings, kafka);
    EndOffsetsPoller progress =
        new EndOffsetsPoller(
            Admin.create(
                Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(),
                    AdminClientConfig.CLIENT_ID_CONFIG,
                    settings.applicationId() + "-end-offsets")),
            settings.applicationId(),
            settings.endOffsetsInterval());
    KafkaStreams streams =
        new KafkaStreams(
            CompletionTopology.build(settings, new CompletionMetrics(registry), progress),
            properties(settings, kafka));
    StreamThreadFailures failures = new StreamThreadFailures(registry, Clock.systemUTC());
    streams.setUncaughtExceptionHandler(
        error -> {
          log.error("Completion stream thread failed; replacing it", error);
          failures.failed(error);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    CompletionStream stream =
        new CompletionStream(
            streams,
            streamsMetrics,
            progress,
            failures,
            new StateDirectoryProbe(settings.stateDir()));
    streams.start();
    long deadline = System.nanoTime() + startTimeout.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
        KafkaStreams.State state = streams.state();
        stream.close();
        throw new IllegalStateException(
            "Completion stream not RUNNING within " + startTimeout + " (state " + state + ")");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stream.close();
        throw new IllegalStateException("Interrupted while starting the completion stream", e);
      }
    }
    log.info(
        "Completion stream RUNNING (application id {}, quiet window {})",
        settings.applicationId(),
        settings.quietWindow());
    return stream;
  }

  /** Largest span record the gateway produces (the Kafka producer's default max.request.size). */
  static final long LARGEST_SPAN_BYTES = 1 << 20;

  /**
   * A completed trace holds up to {@code max-trace-bytes} of spans plus the span that crossed the
   * cap, and its rollup repeats the root span's input and output: it must fit the completed topic.
   *
   * @throws IllegalArgumentException naming both settings when it may not
   */
  static void checkFitsCompletedTopic(CompletionSettings settings, KafkaSettings kafka) {
    long worstCase = settings.maxTraceBytes() + 2 * LARGEST_SPAN_BYTES + 64 * 1024;
    if (worstCase > kafka.completedMaxMessageBytes()) {
      throw new IllegalArgumentException(
          "tracefold.completion.max-trace-bytes ("
              + settings.maxTraceBytes()
              + ") + 2 MiB of headroom for the last span and the rollup exceeds"
              + " tracefold.kafka.completed-max-message-bytes ("
              + kafka.completedMaxMessageBytes()
              + "): lower the first or raise the second");
    }
  }

  /** Kafka Streams configuration for the topology. */
  static Properties properties(CompletionSettings settings, KafkaSettings kafka) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
    props.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        kafka.completedMaxMessageBytes());
    props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "zstd");
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // the behaviour Kafka Streams 5.0 makes default; setting it now silences its start-up warning
    props.put("processing.exception.handler.global.enabled", true);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, settings.cacheMaxBytes());
    props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, CompletionRocksDbOptions.class);
    props.put(CompletionRocksDbOptions.TOTAL_BYTES_CONFIG, settings.rocksDbMemoryBytes());
    props.put(CompletionRocksDbOptions.MEMTABLE_BYTES_CONFIG, settings.rocksDbMemoryBytes() / 2);
    return props;
  }

  /**
   * Reports {@code completion-stream} healthy while Kafka Streams is RUNNING or REBALANCING, its
   * threads are not failing again and again (see {@link StreamThreadFailures}) and its state
   * directory takes writes (see {@link StateDirectoryProbe}: full or read-only, the detail says
   * so).
   */
  public List<HealthCheck> healthChecks() {
    return List.of(
        new HealthCheck() {
          @Override
          public String name() {
            return "completion-stream";
          }

          @Override
          public Result check() {
            String failing = failures.failing();
            String unwritable = stateDirectory.problem();
            return health(
                streams.state(),
                unwritable == null
                    ? failing
                    : failing == null ? unwritable : unwritable + "; " + failing);
          }
        });
  }

  /** The health of a stream in {@code state} whose threads are failing for {@code failing}. */
  static HealthCheck.Result health(KafkaStreams.State state, String failing) {
    if (!state.isRunningOrRebalancing()) {
      return HealthCheck.Result.down(state.name());
    }
    return failing == null
        ? HealthCheck.Result.up(state.name())
        : HealthCheck.Result.down(state.name() + ", but " + failing);
  }

  /** Current Kafka Streams state. */
  public KafkaStreams.State state() {
    return streams.state();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      // Leave the consumer group: the partitions move to the remaining (or a restarted) instance at
      // once instead of after the session timeout, so no buffered trace misses its deadline by
      // that.
      streams.close(
          CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
              .withTimeout(Duration.ofSeconds(30)));
      streamsMetrics.close();
      progress.close();
      log.info("Completion stream closed");
    }
  }
}
