package dev.tracefold.bench;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.Span;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What happened to each trace of a {@link PipelineBench} run, by trace number: spans acknowledged
 * by the gateway and when the last of them was, then every revision the completion stream emitted
 * (from {@link CompletedTraceReader}'s listener). The trace number is the last 4 bytes of the trace
 * id ({@link #traceId}), so a completed record finds its trace without a map. Thread-safe:
 * exporters, the reader and the sampler use it concurrently.
 */
final class TraceLedger implements CompletedTraceReader.Listener {
  private final int capacity;
  private final byte[] runPrefix;
  private final String projectId;
  private final String runHex;
  private final long quietWindowMillis;
  private final AtomicIntegerArray ackedSpans;
  private final AtomicLongArray lastAckMillis;
  private final AtomicIntegerArray revisions;
  private final AtomicIntegerArray latestSpanCount;
  private final AtomicLongArray latestEmitMillis;
  private final AtomicLongArray latestSeenMillis;
  private final AtomicLongArray latestArrivalGapMillis;
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong foreignRecords = new AtomicLong();
  private volatile LatencySamples intervalLag = new LatencySamples();

  /**
   * @param capacity most traces the run starts
   * @param runId distinguishes this run's trace ids (12 bytes of them derive from it)
   * @param projectId the project every span goes to (the completed topic's key prefix)
   */
  TraceLedger(int capacity, long runId, String projectId, long quietWindowMillis) {
    this.capacity = capacity;
    this.runPrefix = new byte[12];
    for (int i = 0; i < 8; i++) {
      runPrefix[i] = (byte) (runId >>> (56 - 8 * i));
    }
    runPrefix[0] |= 0x10; // never all zeros
    runPrefix[8] = 'b';
    runPrefix[9] = 'n';
    runPrefix[10] = 'c';
    runPrefix[11] = 'h';
    this.projectId = projectId;
    this.runHex = HexFormat.of().formatHex(runPrefix);
    this.quietWindowMillis = quietWindowMillis;
    this.ackedSpans = new AtomicIntegerArray(capacity);
    this.lastAckMillis = new AtomicLongArray(capacity);
    this.revisions = new AtomicIntegerArray(capacity);
    this.latestSpanCount = new AtomicIntegerArray(capacity);
    this.latestEmitMillis = new AtomicLongArray(capacity);
    this.latestSeenMillis = new AtomicLongArray(capacity);
    this.latestArrivalGapMillis = new AtomicLongArray(capacity);
  }

  int capacity() {
    return capacity;
  }

  /** The 16-byte id of trace {@code trace}: the run's 12 bytes, then the number, big-endian. */
  byte[] traceId(int trace) {
    byte[] id = new byte[16];
    System.arraycopy(runPrefix, 0, id, 0, 12);
    id[12] = (byte) (trace >>> 24);
    id[13] = (byte) (trace >>> 16);
    id[14] = (byte) (trace >>> 8);
    id[15] = (byte) trace;
    return id;
  }

  /** The id of trace {@code trace} as stored: 32 lowercase hex characters. */
  String traceIdHex(int trace) {
    return HexFormat.of().formatHex(traceId(trace));
  }

  /**
   * The trace number of a stored trace id (lowercase hex), or -1 if it is not one of this run's.
   */
  int traceNumber(String traceIdHex) {
    if (traceIdHex.length() != 32 || !traceIdHex.startsWith(runHex)) {
      return -1;
    }
    long n = Long.parseLong(traceIdHex.substring(24), 16);
    return n < capacity ? (int) n : -1;
  }

  /** The gateway acknowledged {@code spans} spans of {@code trace} at {@code epochMillis}. */
  void acked(int trace, int spans, long epochMillis) {
    ackedSpans.addAndGet(trace, spans);
    lastAckMillis.accumulateAndGet(trace, epochMillis, Math::max);
  }

  @Override
  public void completed(CompletedTrace completed, long recordTimestamp, long receivedEpochMillis) {
    records.incrementAndGet();
    int trace =
        projectId.equals(completed.getProjectId().toString())
            ? traceNumber(completed.getTraceId().toString())
            : -1;
    if (trace < 0) {
      foreignRecords.incrementAndGet();
      return;
    }
    revisions.incrementAndGet(trace);
    latestSpanCount.set(trace, completed.getSpans().size());
    latestEmitMillis.set(trace, completed.getCompletedEpochMillis());
    latestSeenMillis.set(trace, receivedEpochMillis);
    latestArrivalGapMillis.set(trace, largestGap(completed));
    long lastAck = lastAckMillis.get(trace);
    if (lastAck > 0) {
      intervalLag.add(completed.getCompletedEpochMillis() - (lastAck + quietWindowMillis));
    }
  }

  /**
   * The largest gap between the gateway's arrival times of two consecutive spans of the trace, ms.
   */
  private static long largestGap(CompletedTrace completed) {
    long[] arrivals =
        completed.getSpans().stream().mapToLong(Span::getIngestedEpochMillis).sorted().toArray();
    long gap = 0;
    for (int i = 1; i < arrivals.length; i++) {
      gap = Math.max(gap, arrivals[i] - arrivals[i - 1]);
    }
    return gap;
  }

  /** The completion lags of the records seen since the previous call (soak samples). */
  LatencySamples takeIntervalLag() {
    LatencySamples taken = intervalLag;
    intervalLag = new LatencySamples();
    return taken;
  }

  int ackedSpans(int trace) {
    return ackedSpans.get(trace);
  }

  long lastAckMillis(int trace) {
    return lastAckMillis.get(trace);
  }

  int revisions(int trace) {
    return revisions.get(trace);
  }

  /** Spans of the latest revision received. */
  int latestSpanCount(int trace) {
    return latestSpanCount.get(trace);
  }

  /** {@code completedEpochMillis} of the latest revision received (the stream's emit time). */
  long latestEmitMillis(int trace) {
    return latestEmitMillis.get(trace);
  }

  /** When the read_committed reader received the latest revision, epoch ms. */
  long latestSeenMillis(int trace) {
    return latestSeenMillis.get(trace);
  }

  /**
   * The largest gap between two consecutive spans' arrivals at the gateway ({@code
   * ingestedEpochMillis}) in the latest revision: a trace whose final revision has no gap of a
   * quiet window was split by the pipeline, not by its producer.
   */
  long latestArrivalGapMillis(int trace) {
    return latestArrivalGapMillis.get(trace);
  }

  /** Whether the trace's latest revision carries every span the gateway acknowledged for it. */
  boolean isFinal(int trace) {
    int acked = ackedSpans.get(trace);
    return acked > 0 && revisions.get(trace) > 0 && latestSpanCount.get(trace) >= acked;
  }

  /**
   * Traces among the first {@code started} whose latest revision carries every acknowledged span.
   */
  int finalTraces(int started) {
    int n = 0;
    for (int t = 0; t < started; t++) {
      if (isFinal(t)) {
        n++;
      }
    }
    return n;
  }

  /** Completed records read, every revision. */
  long records() {
    return records.get();
  }

  /** Completed records of other projects or runs (none expected). */
  long foreignRecords() {
    return foreignRecords.get();
  }
}
