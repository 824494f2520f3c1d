package dev.tracefold.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the lag of consumer groups from the broker's side, with a Kafka {@link Admin} client,
 * and reports whether Kafka answers.
 *
 * <p>Every {@code interval} it asks the cluster for its brokers ({@code describeCluster}), then for
 * each group its committed offsets ({@code listConsumerGroupOffsets}) and the last stable offset of
 * each of those partitions ({@code listOffsets} latest, {@code read_committed}), and publishes per
 * group and topic:
 *
 * <ul>
 *   <li>{@code tracefold_consumer_lag_records{group,topic}} (gauge): sum over the group's committed
 *       partitions of the topic of {@code max(0, last stable offset - committed offset)}.
 * </ul>
 *
 * <p>Why the broker's view rather than the consumers' own {@code records-lag-max}: it keeps growing
 * when a consumer is stuck, dead or never started, which is exactly when an alert must fire; the
 * client metric stops updating then. Partitions the group never committed are not counted (a new
 * group has no lag until its first commit). On a transactional topic ({@code
 * tracefold.traces.completed}) each commit marker occupies one offset, so a caught-up group shows a
 * lag of up to one record per partition.
 *
 * <p>{@link #healthCheck()} ({@code kafka-cluster}) is up while the latest probe succeeded within
 * three intervals. Thread-safe; {@link #close()} is idempotent.
 */
public final class KafkaLagMonitor implements AutoCloseable {
  /** Default time between two probes. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(KafkaLagMonitor.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  private final Admin admin;
  private final List<String> groupIds;
  private final MeterRegistry registry;
  private final Duration interval;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Map<GroupTopic, AtomicLong> lags = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Probe lastProbe;

  private record GroupTopic(String group, String topic) {}

  /** Outcome of one probe: when, how many brokers answered, or the error. */
  private record Probe(Instant at, int brokers, String error) {}

  private KafkaLagMonitor(
      Admin admin, List<String> groupIds, MeterRegistry registry, Duration interval, Clock clock) {
    this.admin = admin;
    this.groupIds = groupIds;
    this.registry = registry;
    this.interval = interval;
    this.clock = clock;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "tracefold-kafka-lag-monitor");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Creates the Admin client and starts probing at once, then every {@code interval}, on a daemon
   * thread of its own.
   *
   * @param kafka where the cluster is
   * @param groupIds consumer groups whose lag to publish (may be empty: then only the health check)
   * @param registry where the lag gauges go
   * @param interval time between two probes; each Admin call may take up to 5 s
   * @return the running monitor; close it when done
   * @throws org.apache.kafka.common.KafkaException if the Admin client cannot be created (e.g. an
   *     unresolvable bootstrap address)
   */
  public static KafkaLagMonitor start(
      KafkaSettings kafka, List<String> groupIds, MeterRegistry registry, Duration interval) {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, was " + interval);
    }
    Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG,
                "tracefold-lag-monitor",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) CALL_TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) CALL_TIMEOUT.toMillis()));
    KafkaLagMonitor monitor =
        new KafkaLagMonitor(admin, List.copyOf(groupIds), registry, interval, Clock.systemUTC());
    monitor.scheduler.scheduleWithFixedDelay(
        monitor::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return monitor;
  }

  /**
   * {@code kafka-cluster}: up with the broker count while the latest probe succeeded less than
   * three intervals ago; down with the error, or "not probed yet", otherwise.
   */
  public HealthCheck healthCheck() {
    return new HealthCheck() {
      @Override
      public String name() {
        return "kafka-cluster";
      }

      @Override
      public Result check() {
        Probe probe = lastProbe;
        if (probe == null) {
          return Result.down("not probed yet");
        }
        if (probe.error() != null) {
          return Result.down("Kafka did not answer at " + probe.at() + ": " + probe.error());
        }
        Instant staleAfter = probe.at().plus(interval.multipliedBy(3));
        if (clock.instant().isAfter(staleAfter)) {
          return Result.down("no successful probe since " + probe.at());
        }
        return Result.up(probe.brokers() + " broker(s) answered at " + probe.at());
      }
    };
  }

  /** Latest measured lag of {@code group} on {@code topic}; empty if not measured (yet). */
  public OptionalLong lag(String group, String topic) {
    AtomicLong lag = lags.get(new GroupTopic(group, topic));
    return lag == null ? OptionalLong.empty() : OptionalLong.of(lag.get());
  }

  private void probe() {
    Probe previous = lastProbe;
    try {
      int brokers =
          admin
              .describeCluster()
              .nodes()
              .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .size();
      for (String group : groupIds) {
        measure(group);
      }
      lastProbe = new Probe(clock.instant(), brokers, null);
      if (previous != null && previous.error() != null) {
        log.info("Kafka answers again ({} broker(s))", brokers);
      }
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      String error =
          e instanceof TimeoutException
              ? "no answer within " + CALL_TIMEOUT.toSeconds() + " s"
              : String.valueOf(e instanceof ExecutionException ? e.getCause() : e);
      lastProbe = new Probe(clock.instant(), 0, error);
      if (previous == null || previous.error() == null) {
        log.warn("Kafka does not answer the lag monitor: {}", error);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void measure(String group)
      throws ExecutionException, TimeoutException, InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
    committed.forEach(
        (partition, offset) -> {
          if (offset != null) {
            wanted.put(partition, OffsetSpec.latest());
          }
        });
    if (wanted.isEmpty()) {
      return;
    }
    Map<TopicPartition, ListOffsetsResultInfo> ends =
        admin
            .listOffsets(wanted, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
            .all()
            .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    Map<String, Long> byTopic = new HashMap<>();
    ends.forEach(
        (partition, end) -> {
          long lag = Math.max(0, end.offset() - committed.get(partition).offset());
          byTopic.merge(partition.topic(), lag, Long::sum);
        });
    byTopic.forEach((topic, lag) -> gauge(group, topic).set(lag));
  }

  private AtomicLong gauge(String group, String topic) {
    return lags.computeIfAbsent(
        new GroupTopic(group, topic),
        key -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder("tracefold.consumer.lag", value, AtomicLong::get)
              .description("Records in the topic after the group's committed offsets (broker view)")
              .baseUnit("records")
              .tag("group", group)
              .tag("topic", topic)
              .register(registry);
          return value;
        });
  }

  /** Stops probing and closes the Admin client. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admin.close(CALL_TIMEOUT);
  }
}
