package dev.tracefold.sink;

import dev.tracefold.schemas.CompletedTrace;
import dev.tracefold.schemas.EvaluationTrigger;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Builds evaluation triggers for completed trace revisions. Stateless and thread-safe.
 *
 * <p>Until evaluation rules exist, one built-in rule, {@value #ALL_COMPLETED_TRACES_RULE_ID}, fires
 * once for every completed trace revision.
 */
public final class Triggers {
  /** The built-in rule that fires for every completed trace revision. */
  public static final String ALL_COMPLETED_TRACES_RULE_ID = "all-completed-traces";

  private Triggers() {}

  /**
   * The deterministic id of the trigger of one rule for one trace revision: the name-based (version
   * 3, MD5) UUID of the UTF-8 bytes of {@code ruleId + "/" + projectId + "/" + traceId + "/" +
   * revision} (revision in decimal), with no namespace prefix, as Java's {@link
   * UUID#nameUUIDFromBytes} computes it, in its lowercase 8-4-4-4-12 text form. For example {@code
   * all-completed-traces/p1/0af7651916cd43dd8448eb211c80319c/1}. Any language can recompute it: MD5
   * of those bytes, then set the version nibble to 3 and the RFC 4122 variant. Rule ids never
   * contain '/', so the name is unambiguous.
   */
  public static String triggerId(String ruleId, String projectId, String traceId, int revision) {
    String name = ruleId + "/" + projectId + "/" + traceId + "/" + revision;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /**
   * The {@value #ALL_COMPLETED_TRACES_RULE_ID} trigger of a completed trace revision.
   *
   * @param trace the completed revision
   * @param topic topic the completed record was read from
   * @param partition its partition
   * @param offset its offset
   * @param firedEpochMillis wall-clock firing time, ms since the Unix epoch
   */
  public static EvaluationTrigger allCompletedTraces(
      CompletedTrace trace, String topic, int partition, long offset, long firedEpochMillis) {
    return EvaluationTrigger.newBuilder()
        .setTriggerId(
            triggerId(
                ALL_COMPLETED_TRACES_RULE_ID,
                trace.getProjectId(),
                trace.getTraceId(),
                trace.getRevision()))
        .setRuleId(ALL_COMPLETED_TRACES_RULE_ID)
        .setProjectId(trace.getProjectId())
        .setTraceId(trace.getTraceId())
        .setRevision(trace.getRevision())
        .setFiredEpochMillis(firedEpochMillis)
        .setRollup(trace.getRollup())
        .setCompletedTopic(topic)
        .setCompletedPartition(partition)
        .setCompletedOffset(offset)
        .setApiPath("/api/v1/traces/" + trace.getTraceId())
        .build();
  }
}
