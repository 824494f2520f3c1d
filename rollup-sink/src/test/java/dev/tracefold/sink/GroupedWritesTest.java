package dev.tracefold.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class GroupedWritesTest {
  @Test
  void eachTraceFallsIntoOneGroupInPollOrder() {
    List<ConsumerRecord<byte[], byte[]>> poll = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      poll.add(record("project-a/trace-" + (i % 40), i));
    }
    Map<String, Set<Integer>> groupsOfTrace = new ConcurrentHashMap<>();
    try (GroupedWrites writes = new GroupedWrites("test", 3)) {
      List<List<Long>> offsets =
          writes.store(
              poll,
              group -> {
                int groupId = System.identityHashCode(group);
                group.forEach(
                    r ->
                        groupsOfTrace
                            .computeIfAbsent(key(r), k -> ConcurrentHashMap.newKeySet())
                            .add(groupId));
                return group.stream().map(ConsumerRecord::offset).toList();
              });

      assertThat(offsets).hasSize(3);
      assertThat(offsets.stream().mapToInt(List::size).sum()).isEqualTo(400);
      offsets.forEach(group -> assertThat(group).isSorted());
    }
    assertThat(groupsOfTrace).hasSize(40);
    assertThat(groupsOfTrace.values()).allSatisfy(groups -> assertThat(groups).hasSize(1));
  }

  @Test
  void groupsAreStoredAtOnce() {
    List<ConsumerRecord<byte[], byte[]>> poll = twoGroupsOfTwo();
    CountDownLatch bothStarted = new CountDownLatch(2);
    try (GroupedWrites writes = new GroupedWrites("test", 2)) {
      List<Boolean> sawTheOther =
          writes.store(
              poll,
              group -> {
                bothStarted.countDown();
                try {
                  return bothStarted.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });

      assertThat(sawTheOther).containsExactly(true, true);
    }
  }

  @Test
  void theFirstFailureIsThrownAfterEveryGroupFinished() {
    List<ConsumerRecord<byte[], byte[]>> poll = twoGroupsOfTwo();
    AtomicInteger finished = new AtomicInteger();
    try (GroupedWrites writes = new GroupedWrites("test", 2)) {
      assertThatThrownBy(
              () ->
                  writes.store(
                      poll,
                      group -> {
                        finished.incrementAndGet();
                        throw new IllegalStateException("refused " + group.get(0).offset());
                      }))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("refused ");
    }
    assertThat(finished).hasValue(2);
  }

  @Test
  void aConcurrencyOfOneStoresOnTheCallersThread() {
    Thread caller = Thread.currentThread();
    try (GroupedWrites writes = new GroupedWrites("test", 1)) {
      List<Boolean> onCaller =
          writes.store(twoGroupsOfTwo(), group -> Thread.currentThread() == caller);

      assertThat(onCaller).containsExactly(true);
      assertThat(writes.store(List.of(), group -> true)).isEmpty();
    }
    assertThatThrownBy(() -> new GroupedWrites("test", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Four records of two traces that the hash puts into different groups of two. */
  private static List<ConsumerRecord<byte[], byte[]>> twoGroupsOfTwo() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < 2; i++) {
      String key = "project-a/trace-" + i;
      if (keys.stream().noneMatch(k -> groupOfTwo(k) == groupOfTwo(key))) {
        keys.add(key);
      }
    }
    return List.of(
        record(keys.get(0), 0),
        record(keys.get(1), 1),
        record(keys.get(0), 2),
        record(keys.get(1), 3));
  }

  private static int groupOfTwo(String key) {
    return Math.floorMod(Arrays.hashCode(bytes(key)), 2);
  }

  private static ConsumerRecord<byte[], byte[]> record(String key, long offset) {
    return new ConsumerRecord<>("tracefold.spans", 0, offset, bytes(key), new byte[0]);
  }

  private static String key(ConsumerRecord<byte[], byte[]> record) {
    return new String(record.key(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }
}
