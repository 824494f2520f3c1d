package dev.tracefold.bench;

import dev.tracefold.store.StoreSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the pipeline's PostgreSQL (as the user and password the pipeline uses) after a run: waits
 * until the sink has stored what the gateway acknowledged, then compares, trace by trace, the
 * acknowledged spans with the rows of {@code spans} and reads each trace's {@code state} and {@code
 * revision} from {@code traces}. Not thread-safe.
 */
final class StoreAudit implements AutoCloseable {
  private final Connection connection;
  private final String projectId;

  /**
   * What the store holds for the run's traces.
   *
   * @param storedSpans rows of {@code spans} of the run's traces
   * @param lostSpans spans acknowledged but without a row, summed over traces
   * @param extraSpans rows beyond the acknowledged spans, summed over traces (none expected)
   * @param tracesWithLostSpans traces with at least one lost span
   * @param completeTraces rows of {@code traces} in state {@code complete}
   * @param incompleteTraces traces with acknowledged spans that are not stored as complete
   * @param tracesByRevision rows of {@code traces} in state complete, by revision
   */
  record Audit(
      long storedSpans,
      long lostSpans,
      long extraSpans,
      long tracesWithLostSpans,
      long completeTraces,
      long incompleteTraces,
      Map<Integer, Long> tracesByRevision) {}

  StoreAudit(StoreSettings store, String projectId) {
    try {
      this.connection =
          DriverManager.getConnection(store.jdbcUrl(), store.username(), store.password());
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot connect to the pipeline's PostgreSQL at " + store.jdbcUrl(), e);
    }
    this.projectId = projectId;
  }

  /**
   * Of the {@code pending} traces (the ledger's trace numbers), clears those PostgreSQL holds as
   * {@code complete} with at least as many spans as the gateway acknowledged for them: a complete
   * row's {@code span_count} is that of a revision covering every stored span, so all of them are
   * rows of {@code spans} too. Reads only the pending traces' rows, by primary key: a poll costs
   * less the more are confirmed (counting every stored row on each poll had been 4-7% of
   * PostgreSQL's CPU in a 3-minute soak, bench/README.md).
   *
   * @return how many traces were cleared
   */
  int confirmStored(TraceLedger ledger, BitSet pending) {
    String[] ids = pending.stream().mapToObj(ledger::traceIdHex).toArray(String[]::new);
    int cleared = 0;
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT trace_id, span_count FROM traces WHERE project_id = ?"
                + " AND trace_id = ANY (?) AND state = 'complete'")) {
      statement.setString(1, projectId);
      statement.setArray(2, connection.createArrayOf("text", ids));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          int trace = ledger.traceNumber(rows.getString(1));
          if (trace >= 0 && pending.get(trace) && rows.getInt(2) >= ledger.ackedSpans(trace)) {
            pending.clear(trace);
            cleared++;
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Reading the pipeline's PostgreSQL failed", e);
    }
    return cleared;
  }

  /** Compares the store with the ledger's first {@code traces} traces. */
  Audit audit(TraceLedger ledger, int traces) {
    int[] stored = new int[traces];
    int[] revision = new int[traces];
    boolean[] complete = new boolean[traces];
    inReadTransaction(
        () -> {
          forEachRow(
              "SELECT trace_id, count(*) FROM spans WHERE project_id = ? GROUP BY trace_id",
              ledger,
              traces,
              (trace, rows) -> stored[trace] = rows.getInt(2));
          readTraceStates(ledger, traces, complete, revision);
        });
    long storedSpans = java.util.Arrays.stream(stored).asLongStream().sum();
    long lost = 0;
    long extra = 0;
    long tracesWithLost = 0;
    long completeTraces = 0;
    long incomplete = 0;
    Map<Integer, Long> byRevision = new TreeMap<>();
    for (int t = 0; t < traces; t++) {
      int acked = ledger.ackedSpans(t);
      lost += Math.max(0, acked - stored[t]);
      extra += Math.max(0, stored[t] - acked);
      if (stored[t] < acked) {
        tracesWithLost++;
      }
      if (complete[t]) {
        completeTraces++;
        byRevision.merge(revision[t], 1L, Long::sum);
      } else if (acked > 0) {
        incomplete++;
      }
    }
    return new Audit(
        storedSpans, lost, extra, tracesWithLost, completeTraces, incomplete, byRevision);
  }

  /**
   * The stored revision of each of the ledger's first {@code traces} traces, by trace number: the
   * {@code revision} of its {@code traces} row when its state is {@code complete}, else 0.
   */
  int[] completeRevisions(TraceLedger ledger, int traces) {
    int[] revision = new int[traces];
    boolean[] complete = new boolean[traces];
    inReadTransaction(() -> readTraceStates(ledger, traces, complete, revision));
    for (int t = 0; t < traces; t++) {
      if (!complete[t]) {
        revision[t] = 0;
      }
    }
    return revision;
  }

  /** Fills {@code complete} and {@code revision} from the {@code traces} rows, by trace number. */
  private void readTraceStates(TraceLedger ledger, int traces, boolean[] complete, int[] revision)
      throws SQLException {
    forEachRow(
        "SELECT trace_id, state, revision FROM traces WHERE project_id = ?",
        ledger,
        traces,
        (trace, rows) -> {
          complete[trace] = "complete".equals(rows.getString(2));
          revision[trace] = rows.getInt(3);
        });
  }

  /** Reads of one transaction (a fetch size needs a transaction to stream). */
  @FunctionalInterface
  private interface Reads {
    void run() throws SQLException;
  }

  private void inReadTransaction(Reads reads) {
    try {
      connection.setAutoCommit(false);
      reads.run();
      connection.commit();
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      throw new IllegalStateException("Reading the pipeline's PostgreSQL failed", e);
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // nothing to do
    }
  }

  /** One row of a query, for a trace of the ledger's first traces (its number). */
  @FunctionalInterface
  private interface TraceRow {
    void accept(int trace, ResultSet rows) throws SQLException;
  }

  /**
   * Streams the rows of {@code sql} (parameter 1: the project id; column 1: the trace id) and hands
   * those of the ledger's first {@code traces} traces to {@code row}.
   */
  private void forEachRow(String sql, TraceLedger ledger, int traces, TraceRow row)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setFetchSize(10_000);
      statement.setString(1, projectId);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          int trace = ledger.traceNumber(rows.getString(1));
          if (trace >= 0 && trace < traces) {
            row.accept(trace, rows);
          }
        }
      }
    }
  }
}
