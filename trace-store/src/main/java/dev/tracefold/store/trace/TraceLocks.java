package dev.tracefold.store.trace;

import dev.tracefold.schemas.topic.TraceKey;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.TreeSet;

/**
 * Per-trace transaction-scoped advisory locks ({@code pg_advisory_xact_lock(int, int)}), so that
 * the span writer and the completed-trace writer (and several sink instances during a rebalance)
 * never interleave their writes to one trace: every write transaction of a trace reads the spans
 * the previous one committed. Locks are taken in ascending key order, so two transactions locking
 * overlapping sets of traces cannot deadlock; they are released at commit or rollback.
 *
 * <p>Keys: the class id {@link #NAMESPACE} and the 32-bit FNV-1a hash of {@code projectId/traceId}
 * (a collision only serializes two unrelated traces).
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class TraceLocks {
  /** Advisory lock class id of trace locks: ASCII "tf" (0x7466). */
  static final int NAMESPACE = 0x7466;

  private static final String LOCK_SQL =
      "SELECT count(pg_advisory_xact_lock(?, k)) FROM unnest(?::int[]) AS t(k)";

  private TraceLocks() {}

  /** Locks the traces until the transaction ends; blocks while another transaction holds one. */
  public static void lock(Connection connection, Collection<TraceKey> traces) throws SQLException {
    TreeSet<Integer> keys = new TreeSet<>();
    for (TraceKey trace : traces) {
      keys.add(hash(trace.toString()));
    }
    try (PreparedStatement statement = connection.prepareStatement(LOCK_SQL)) {
      statement.setInt(1, NAMESPACE);
      statement.setArray(2, connection.createArrayOf("int4", keys.toArray(new Integer[0])));
      statement.executeQuery().close();
    }
  }

  static int hash(String key) {
    int hash = 0x811c9dc5;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x01000193;
    }
    return hash;
  }
}
