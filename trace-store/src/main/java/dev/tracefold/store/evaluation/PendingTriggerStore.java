package dev.tracefold.store.evaluation;

import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.store.TraceStore;
import dev.tracefold.store.TraceStoreException;
import dev.tracefold.store.sql.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * Triggers of turn last waiting for their delay ({@code pending_triggers}), as the rollup sink's
 * scheduler claims and fires them. Obtained from {@link TraceStore#pendingTriggers()}; shares its
 * connection pool. Thread-safe.
 *
 * <p>The protocol that publishes each of them exactly once: an instance numbers its rounds with a
 * claim sequence; round {@code n} claims rows with {@code claim_seq = n} and records them in {@code
 * fired_triggers} ({@link #claim}, one database transaction), then publishes them in one Kafka
 * transaction that also commits {@code n + 1} as the offset of the instance's marker group. The
 * committed marker {@code c} therefore says: every claim below {@code c} was published, none at or
 * above it was. The next round deletes the claims below {@code c} and claims again those at or
 * above it (with the new sequence), so a round whose Kafka transaction aborted, or whose outcome a
 * crash hid, is published by a later round, and never twice.
 */
public final class PendingTriggerStore {
  private static final String DROP_PUBLISHED_SQL =
      "DELETE FROM pending_triggers WHERE claimed_by = ? AND claim_seq < ?";
  private static final String RECLAIM_SQL =
      "UPDATE pending_triggers SET claim_seq = ? WHERE claimed_by = ? AND claim_seq >= ?"
          + " RETURNING payload";
  private static final String DUE_SQL =
      "SELECT project_id, trace_id, rule_id, revision, payload FROM pending_triggers"
          + " WHERE claimed_by IS NULL AND due_epoch_millis <= ? ORDER BY due_epoch_millis"
          + " LIMIT ? FOR UPDATE SKIP LOCKED";
  private static final String CLAIM_SQL =
      "UPDATE pending_triggers SET claimed_by = ?, claim_seq = ?, payload = ?"
          + " WHERE project_id = ? AND trace_id = ? AND rule_id = ? AND revision = ?";
  private static final String DROP_SQL =
      "DELETE FROM pending_triggers"
          + " WHERE project_id = ? AND trace_id = ? AND rule_id = ? AND revision = ?";
  private static final String COUNT_SQL =
      "SELECT count(*) FROM pending_triggers WHERE claimed_by IS NULL";

  private final Transactions transactions;

  public PendingTriggerStore(Transactions transactions) {
    this.transactions = transactions;
  }

  /**
   * One round of the protocol above, in one database transaction: deletes this instance's claims
   * below {@code publishedBelow}; moves its claims at or above it to {@code seq}; claims up to
   * {@code limit} unclaimed rows due at {@code nowEpochMillis} with {@code seq}, setting their
   * firing time to {@code nowEpochMillis} and recording them in {@code fired_triggers} (turn last).
   * A due row whose rule {@code active} rejects (deleted, disabled, no longer of turn last) is
   * deleted unfired.
   *
   * @param instanceId the claiming sink instance (stable across its restarts)
   * @param publishedBelow the instance's committed marker: claims below it were published
   * @param seq this round's sequence, at least {@code publishedBelow}
   * @param active (project id, rule id) → whether the rule still fires with turn last
   * @return the triggers to publish in this round: the re-claimed ones first, then the new ones
   * @throws TraceStoreException if the database fails; nothing of the call is stored
   */
  public List<EvaluationTrigger> claim(
      String instanceId,
      long publishedBelow,
      long seq,
      long nowEpochMillis,
      int limit,
      BiPredicate<String, String> active) {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(active, "active");
    if (seq < publishedBelow) {
      throw new IllegalArgumentException(
          "claim sequence " + seq + " is below the published marker " + publishedBelow);
    }
    return transactions.write(
        "claim due triggers for " + instanceId,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(DROP_PUBLISHED_SQL)) {
            statement.setString(1, instanceId);
            statement.setLong(2, publishedBelow);
            statement.executeUpdate();
          }
          List<EvaluationTrigger> triggers = new ArrayList<>();
          try (PreparedStatement statement = connection.prepareStatement(RECLAIM_SQL)) {
            statement.setLong(1, seq);
            statement.setString(2, instanceId);
            statement.setLong(3, publishedBelow);
            try (ResultSet rows = statement.executeQuery()) {
              while (rows.next()) {
                triggers.add(TriggerRows.SERDE.decode(rows.getBytes(1)));
              }
            }
          }
          List<EvaluationTrigger> claimed = new ArrayList<>();
          try (PreparedStatement due = connection.prepareStatement(DUE_SQL);
              PreparedStatement claim = connection.prepareStatement(CLAIM_SQL);
              PreparedStatement drop = connection.prepareStatement(DROP_SQL)) {
            due.setLong(1, nowEpochMillis);
            due.setInt(2, limit);
            try (ResultSet rows = due.executeQuery()) {
              while (rows.next()) {
                String project = rows.getString("project_id");
                String rule = rows.getString("rule_id");
                PreparedStatement target = drop;
                int next = 1;
                EvaluationTrigger trigger = null;
                if (active.test(project, rule)) {
                  trigger = TriggerRows.SERDE.decode(rows.getBytes("payload"));
                  trigger.setFiredEpochMillis(nowEpochMillis);
                  target = claim;
                  claim.setString(next++, instanceId);
                  claim.setLong(next++, seq);
                  claim.setBytes(next++, TriggerRows.SERDE.encode(trigger));
                }
                target.setString(next++, project);
                target.setString(next++, rows.getString("trace_id"));
                target.setString(next++, rule);
                target.setInt(next, rows.getInt("revision"));
                target.addBatch();
                if (trigger != null) {
                  claimed.add(trigger);
                }
              }
            }
            claim.executeBatch();
            drop.executeBatch();
          }
          TriggerRows.insert(connection, claimed, RuleTurn.LAST);
          triggers.addAll(claimed);
          return triggers;
        });
  }

  /**
   * Deletes this instance's claims below {@code publishedBelow} (published), as the next {@link
   * #claim} would; called right after a round's Kafka commit so that published claims do not
   * outlive the marker.
   *
   * @throws TraceStoreException if the database fails
   */
  public void dropPublished(String instanceId, long publishedBelow) {
    Objects.requireNonNull(instanceId, "instanceId");
    transactions.write(
        "drop published claims of " + instanceId,
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(DROP_PUBLISHED_SQL)) {
            statement.setString(1, instanceId);
            statement.setLong(2, publishedBelow);
            return statement.executeUpdate();
          }
        });
  }

  /**
   * How many triggers wait for their delay (unclaimed).
   *
   * @throws TraceStoreException if the database fails
   */
  public long countWaiting() {
    return transactions.read(
        "count the pending triggers",
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(COUNT_SQL);
              ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
          }
        });
  }
}
