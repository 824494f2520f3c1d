package dev.tracefold.sink;

import dev.tracefold.schemas.EvaluationTrigger;
import dev.tracefold.schemas.TraceRollup;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Builds evaluation triggers for completed trace revisions. Stateless and thread-safe. */
public final class Triggers {
  private Triggers() {}

  /**
   * The deterministic id of the trigger of one rule for one trace revision: the name-based (version
   * 3, MD5) UUID of the UTF-8 bytes of {@code ruleId + "/" + projectId + "/" + traceId + "/" +
   * revision} (revision in decimal), with no namespace prefix, as Java's {@link
   * UUID#nameUUIDFromBytes} computes it, in its lowercase 8-4-4-4-12 text form. For example {@code
   * 7d1f…/p1/0af7651916cd43dd8448eb211c80319c/1}. Any language can recompute it: MD5 of those
   * bytes, then set the version nibble to 3 and the RFC 4122 variant. Rule ids never contain '/',
   * so the name is unambiguous.
   */
  public static String triggerId(String ruleId, String projectId, String traceId, int revision) {
    String name = ruleId + "/" + projectId + "/" + traceId + "/" + revision;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /**
   * The trigger of a rule for a completed trace revision.
   *
   * @param ruleId the rule that matched
   * @param rollup the trace's rollup as stored with the revision (its project and trace ids name
   *     the trace)
   * @param revision the revision
   * @param position where the {@code CompletedTrace} record of the revision is in Kafka
   * @param firedEpochMillis wall-clock firing time, ms since the Unix epoch
   */
  static EvaluationTrigger of(
      String ruleId,
      TraceRollup rollup,
      int revision,
      RecordPosition position,
      long firedEpochMillis) {
    return EvaluationTrigger.newBuilder()
        .setTriggerId(triggerId(ruleId, rollup.getProjectId(), rollup.getTraceId(), revision))
        .setRuleId(ruleId)
        .setProjectId(rollup.getProjectId())
        .setTraceId(rollup.getTraceId())
        .setRevision(revision)
        .setFiredEpochMillis(firedEpochMillis)
        .setRollup(rollup)
        .setCompletedTopic(position.topic())
        .setCompletedPartition(position.partition())
        .setCompletedOffset(position.offset())
        .setApiPath("/api/v1/traces/" + rollup.getTraceId())
        .build();
  }

  /** Where a record is in Kafka. */
  record RecordPosition(String topic, int partition, long offset) {}
}
