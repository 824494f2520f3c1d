package dev.tracefold.bench;

import com.typesafe.config.ConfigFactory;
import dev.tracefold.completion.CompletionSettings;
import dev.tracefold.completion.CompletionStream;
import dev.tracefold.schemas.topic.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology a scenario measures, running: Tracefold's {@link CompletionStream} or the {@link
 * BaselineTopology} on its own {@link KafkaStreams}, both under {@code exactly_once_v2} with the
 * same Streams properties. Not thread-safe; {@link #close()} is idempotent.
 */
final class StreamUnderTest implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StreamUnderTest.class);
  static final String BUFFERED_TRACES_GAUGE = "tracefold.completion.buffered.traces";

  private final String applicationId;
  private final String outputTopic;
  private final Path stateDir;
  private final CompletionStream tracefold;
  private final SimpleMeterRegistry registry;
  private final KafkaStreams baseline;
  private boolean closed;

  private StreamUnderTest(
      String applicationId,
      String outputTopic,
      Path stateDir,
      CompletionStream tracefold,
      SimpleMeterRegistry registry,
      KafkaStreams baseline) {
    this.applicationId = applicationId;
    this.outputTopic = outputTopic;
    this.stateDir = stateDir;
    this.tracefold = tracefold;
    this.registry = registry;
    this.baseline = baseline;
  }

  /**
   * Starts the topology of {@code kind} and waits until it is RUNNING.
   *
   * @param quietWindow Tracefold's quiet window, or the baseline's inactivity gap
   * @param projectQuietWindows Tracefold's per-project quiet windows (the baseline has one gap)
   * @param applicationId a fresh application id (consumer group, changelog prefix)
   * @param stateDir a fresh, empty state directory
   * @throws IllegalStateException if it is not RUNNING within {@code options.timeout()}
   */
  static StreamUnderTest start(
      Scenario.Kind kind,
      Duration quietWindow,
      Map<String, Duration> projectQuietWindows,
      BenchOptions options,
      BenchCluster cluster,
      String applicationId,
      Path stateDir) {
    if (kind == Scenario.Kind.TRACEFOLD) {
      CompletionSettings defaults = CompletionSettings.from(ConfigFactory.load());
      CompletionSettings settings =
          new CompletionSettings(
              quietWindow,
              projectQuietWindows,
              dev.tracefold.completion.RootAwareSettings.OFF,
              options.punctuationInterval(),
              defaults.endOffsetsInterval(),
              defaults.clockGrace(),
              defaults.maxTraceLifetime(),
              defaults.maxSpansPerTrace(),
              defaults.maxTraceBytes(),
              defaults.completedRetention(),
              defaults.tombstoneRetention(),
              applicationId,
              stateDir,
              options.streamThreads(),
              defaults.commitInterval(),
              defaults.cacheMaxBytes(),
              defaults.rocksDbMemoryBytes(),
              0);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      CompletionStream stream =
          CompletionStream.start(settings, cluster.kafka(), registry, options.timeout());
      return new StreamUnderTest(
          applicationId, Topics.COMPLETED_TRACES.name(), stateDir, stream, registry, null);
    }
    KafkaStreams streams =
        new KafkaStreams(
            BaselineTopology.build(quietWindow),
            properties(applicationId, stateDir, options, cluster));
    streams.setUncaughtExceptionHandler(
        error -> {
          log.error("Baseline stream thread failed", error);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    StreamUnderTest under =
        new StreamUnderTest(
            applicationId, BaselineTopology.OUTPUT_TOPIC, stateDir, null, null, streams);
    streams.start();
    long deadline = System.nanoTime() + options.timeout().toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
        KafkaStreams.State state = streams.state();
        under.close();
        throw new IllegalStateException(
            "Baseline stream not RUNNING within " + options.timeout() + " (state " + state + ")");
      }
      Pause.millis(50);
    }
    log.info(
        "Baseline stream RUNNING (application id {}, inactivity gap {})",
        applicationId,
        quietWindow);
    return under;
  }

  /**
   * The baseline's Streams properties, those {@code CompletionStream} shares with it:
   * exactly_once_v2, zstd, completed-topic sized requests, earliest offsets. The rest are Kafka
   * Streams' defaults (10 MiB record cache, 100 ms commits under exactly-once, a RocksDB cache per
   * store), where {@code CompletionStream} sets its own (1 s commits, a 64 MiB record cache, one
   * bounded RocksDB cache): the baseline is the textbook topology as a DSL user would run it.
   */
  private static Properties properties(
      String applicationId, Path stateDir, BenchOptions options, BenchCluster cluster) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, options.streamThreads());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) cluster.kafka().replicationFactor());
    props.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        cluster.kafka().completedMaxMessageBytes());
    props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "zstd");
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    props.put("processing.exception.handler.global.enabled", true);
    return props;
  }

  String applicationId() {
    return applicationId;
  }

  String outputTopic() {
    return outputTopic;
  }

  Path stateDir() {
    return stateDir;
  }

  /** Tracefold's {@value #BUFFERED_TRACES_GAUGE} gauge; empty for the baseline, which has none. */
  OptionalLong bufferedTraces() {
    if (registry == null) {
      return OptionalLong.empty();
    }
    Gauge gauge = registry.find(BUFFERED_TRACES_GAUGE).gauge();
    return gauge == null ? OptionalLong.empty() : OptionalLong.of((long) gauge.value());
  }

  /** Throws if Kafka Streams stopped or failed. */
  void checkRunning() {
    KafkaStreams.State state = tracefold != null ? tracefold.state() : baseline.state();
    if (state == KafkaStreams.State.ERROR
        || state == KafkaStreams.State.NOT_RUNNING
        || state == KafkaStreams.State.PENDING_SHUTDOWN
        || state == KafkaStreams.State.PENDING_ERROR) {
      throw new IllegalStateException(applicationId + " stopped: Kafka Streams state " + state);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (tracefold != null) {
      tracefold.close();
    } else {
      baseline.close(
          CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
              .withTimeout(Duration.ofSeconds(30)));
    }
  }
}
