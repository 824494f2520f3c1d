package dev.tracefold.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How long the surviving members of a consumer group take to resume the partitions of a killed
 * member, seen from the broker: the group's committed offsets (as {@code KafkaLagMonitor} reads
 * them). Snapshot the committed offsets just before the kill ({@link #committed}); the group has
 * resumed once every partition that has records beyond its snapshot offset committed past it
 * ({@link #awaitResumed}). Partitions of the survivors move on at once, so the time is that of the
 * killed member's partitions: session timeout, rebalance, state restore (Kafka Streams), and any
 * open transaction of the killed member to be aborted. Stateless.
 */
final class GroupTakeover {
  private GroupTakeover() {}

  /** The committed offsets of {@code group}, by partition. */
  static Map<TopicPartition, Long> committed(Admin admin, String group) {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        KafkaClusterProcesses.await(
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(),
            "read the committed offsets of " + group);
    Map<TopicPartition, Long> committed = new HashMap<>();
    offsets.forEach(
        (partition, offset) -> {
          if (offset != null) {
            committed.put(partition, offset.offset());
          }
        });
    return committed;
  }

  /**
   * Waits until every partition of {@code before} with records beyond its offset there has a
   * committed offset past it.
   *
   * @param before {@link #committed} taken just before the kill
   * @param killedNanos {@link System#nanoTime()} at the kill
   * @return the time from the kill until then
   * @throws IllegalStateException naming the partitions still behind after {@code timeout}
   */
  static Duration awaitResumed(
      Admin admin,
      String group,
      Map<TopicPartition, Long> before,
      long killedNanos,
      Duration timeout) {
    List<TopicPartition> waiting = new ArrayList<>(before.keySet());
    Map<TopicPartition, Long> now = Map.of();
    while (true) {
      try {
        Map<TopicPartition, Long> committed = committed(admin, group);
        Map<TopicPartition, Long> ends = endOffsets(admin, waiting);
        waiting.removeIf(
            p -> ends.get(p) <= before.get(p) || committed.getOrDefault(p, -1L) > before.get(p));
        now = committed;
      } catch (IllegalStateException e) {
        // the group coordinator moving: ask again
      }
      long elapsed = System.nanoTime() - killedNanos;
      if (waiting.isEmpty()) {
        return Duration.ofNanos(elapsed);
      }
      if (elapsed > timeout.toNanos()) {
        throw new IllegalStateException(
            "Group "
                + group
                + " had not resumed "
                + waiting
                + " "
                + timeout
                + " after the kill (committed then "
                + before
                + ", now "
                + now
                + ")");
      }
      Pause.millis(250);
    }
  }

  private static Map<TopicPartition, Long> endOffsets(
      Admin admin, List<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return Map.of();
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        KafkaClusterProcesses.await(
            admin
                .listOffsets(
                    partitions.stream()
                        .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest())))
                .all(),
            "read the end offsets of " + partitions);
    return ends.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }
}
