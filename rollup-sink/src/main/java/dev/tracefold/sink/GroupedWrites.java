package dev.tracefold.sink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Stores the records of one poll in groups by record key, up to {@code concurrency} groups at once,
 * each on a thread of its own and (in the caller's store function) in a database transaction of its
 * own. Records are keyed by trace ({@code <projectId>/<traceId>}), so the records of one trace
 * always fall into the same group, in poll order, and two groups never write the same trace: they
 * neither wait for nor deadlock on each other's row locks.
 *
 * <p>Why: one database transaction runs on one PostgreSQL backend, which uses one core, and while
 * it runs the writer's thread waits. Two groups keep both busy: 16% more spans/s into PostgreSQL in
 * {@code SinkBench} (bench/README.md, "Span writes in groups at once").
 *
 * <p>Failures: every group runs to its end; the first failure (in group order) is then thrown as is
 * if it is a {@link RuntimeException}, else wrapped in an {@link IllegalStateException}. The caller
 * retries the whole poll, so its store function must be idempotent.
 *
 * <p>Thread-safety: {@link #store} is called from one thread at a time (the worker's); {@link
 * #close()} from any. With a concurrency of 1, or a poll whose records fall into one group, the
 * group is stored on the caller's thread.
 */
final class GroupedWrites implements AutoCloseable {
  private final int concurrency;

  /** Stores the groups of a poll at once; null when the concurrency is 1. */
  private final ExecutorService pool;

  /**
   * @param threadNamePrefix name of the pool's threads, followed by {@code -writer-<n>}
   * @param concurrency most groups stored at once, at least 1
   * @throws IllegalArgumentException if concurrency is below 1
   */
  GroupedWrites(String threadNamePrefix, int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be >= 1, was " + concurrency);
    }
    this.concurrency = concurrency;
    AtomicInteger threadNumber = new AtomicInteger();
    this.pool =
        concurrency == 1
            ? null
            : Executors.newFixedThreadPool(
                concurrency,
                runnable -> {
                  Thread thread =
                      new Thread(
                          runnable, threadNamePrefix + "-writer-" + threadNumber.incrementAndGet());
                  thread.setDaemon(true);
                  return thread;
                });
  }

  /**
   * Splits the records by key (the hash of the key's bytes; records without a key fall into one
   * group) and stores the non-empty groups at once.
   *
   * @param records one poll's records, in poll order
   * @param storeGroup stores one group's records (a non-empty list in poll order) and returns what
   *     the caller needs of it; called once per non-empty group, possibly on several threads at
   *     once
   * @return storeGroup's results, in group order (empty if there were no records)
   * @throws RuntimeException the first group's failure, after every group finished
   */
  <R> List<R> store(
      Iterable<ConsumerRecord<byte[], byte[]>> records,
      Function<List<ConsumerRecord<byte[], byte[]>>, R> storeGroup) {
    List<List<ConsumerRecord<byte[], byte[]>>> groups = new ArrayList<>(concurrency);
    for (int i = 0; i < concurrency; i++) {
      groups.add(new ArrayList<>());
    }
    for (ConsumerRecord<byte[], byte[]> record : records) {
      int hash = record.key() == null ? 0 : Arrays.hashCode(record.key());
      groups.get(Math.floorMod(hash, concurrency)).add(record);
    }
    groups.removeIf(List::isEmpty);
    if (groups.size() <= 1) {
      return groups.isEmpty() ? List.of() : List.of(storeGroup.apply(groups.get(0)));
    }
    List<Future<R>> futures = new ArrayList<>(groups.size());
    for (List<ConsumerRecord<byte[], byte[]>> group : groups) {
      futures.add(pool.submit(() -> storeGroup.apply(group)));
    }
    List<R> results = new ArrayList<>(groups.size());
    RuntimeException failure = null;
    for (Future<R> future : futures) {
      try {
        results.add(future.get());
      } catch (ExecutionException e) {
        RuntimeException cause =
            e.getCause() instanceof RuntimeException runtime
                ? runtime
                : new IllegalStateException(e.getCause());
        failure = failure == null ? cause : failure;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while storing a poll's groups", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return results;
  }

  /** Stops the pool's threads (interrupting a group still being stored). Idempotent. */
  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
