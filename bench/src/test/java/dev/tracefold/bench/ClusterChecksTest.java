package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The revisions that ingest times call for ({@link ClusterChecks#expectedRevisions}), and the
 * verdict on facts given directly: a clean run passes, and each broken guarantee fails it.
 */
class ClusterChecksTest {
  private static final long QUIET = 3_000;
  private static final long AMBIGUITY = 300;
  private static final StoreAudit.Audit NOTHING_LOST =
      new StoreAudit.Audit(5, 0, 0, 0, 2, 0, Map.of(1, 1L, 2, 1L));

  private final TraceLedger ledger = new TraceLedger(10, 42, "p", QUIET);
  private final ClusterChecks checks =
      new ClusterChecks(ledger, "p", Duration.ofMillis(QUIET), Duration.ofMillis(AMBIGUITY));

  @Test
  void gapsShorterThanTheQuietWindowMakeOneRevision() {
    ClusterChecks.RevisionRange range =
        ClusterChecks.expectedRevisions(new long[] {1_000, 1_300, 3_600, 6_299}, QUIET, AMBIGUITY);

    assertThat(range).isEqualTo(new ClusterChecks.RevisionRange(1, 1));
    assertThat(range.ambiguous()).isFalse();
  }

  @Test
  void eachGapOfAQuietWindowAndMoreAddsARevisionWhateverTheOrderOfTheTimes() {
    ClusterChecks.RevisionRange range =
        ClusterChecks.expectedRevisions(
            new long[] {20_000, 1_000, 1_200, 4_500, 10_000}, QUIET, AMBIGUITY);

    assertThat(range).isEqualTo(new ClusterChecks.RevisionRange(4, 4));
  }

  @Test
  void aGapWithinTheAmbiguityOfTheQuietWindowAcceptsEitherCount() {
    ClusterChecks.RevisionRange below =
        ClusterChecks.expectedRevisions(new long[] {0, 2_700}, QUIET, AMBIGUITY);
    ClusterChecks.RevisionRange above =
        ClusterChecks.expectedRevisions(new long[] {0, 3_299}, QUIET, AMBIGUITY);
    ClusterChecks.RevisionRange beyond =
        ClusterChecks.expectedRevisions(new long[] {0, 3_300}, QUIET, AMBIGUITY);

    assertThat(below).isEqualTo(new ClusterChecks.RevisionRange(1, 2));
    assertThat(below.contains(1)).isTrue();
    assertThat(below.contains(2)).isTrue();
    assertThat(below.contains(3)).isFalse();
    assertThat(above).isEqualTo(new ClusterChecks.RevisionRange(1, 2));
    assertThat(beyond).isEqualTo(new ClusterChecks.RevisionRange(2, 2));
  }

  @Test
  void oneSpanMakesOneRevision() {
    assertThat(ClusterChecks.expectedRevisions(new long[] {5}, QUIET, AMBIGUITY))
        .isEqualTo(new ClusterChecks.RevisionRange(1, 1));
  }

  /**
   * Trace 0: two spans 500 ms apart, one revision; trace 1: three spans with a 4 s gap, two
   * revisions; each revision with its trigger; the store holds both at their last revision.
   */
  private void cleanRun() {
    ledger.acked(0, 2, 1_000);
    ledger.acked(1, 3, 9_000);
    checks.ingested(0, "a0", 1_000);
    checks.ingested(0, "a1", 1_500);
    checks.ingested(1, "b0", 1_000);
    checks.ingested(1, "b1", 5_000);
    checks.ingested(1, "b2", 5_100);
    checks.completed(0, 1, 2);
    checks.completed(1, 1, 1);
    checks.completed(1, 2, 3);
    checks.triggered("t-0-1", 0, 1);
    checks.triggered("t-1-1", 1, 1);
    checks.triggered("t-1-2", 1, 2);
  }

  @Test
  void aCleanRunPasses() {
    cleanRun();
    checks.ingested(0, "a1", 9_000); // a re-sent span: a duplicate, not a gap

    ClusterChecks.Verdict verdict = checks.verdict(NOTHING_LOST, new int[] {1, 2}, 2);

    assertThat(verdict.failures()).isEmpty();
    assertThat(checks.allFinal()).isTrue();
    assertThat(verdict.traces()).isEqualTo(2);
    assertThat(verdict.acknowledgedSpans()).isEqualTo(5);
    assertThat(verdict.spanRecords()).isEqualTo(5);
    assertThat(verdict.duplicateSpanRecords()).isEqualTo(1);
    assertThat(verdict.tracesByRevisions()).containsExactly(Map.entry(1, 1), Map.entry(2, 1));
    assertThat(verdict.tracesSplitByGaps()).isEqualTo(1);
    assertThat(verdict.triggerRecords()).isEqualTo(3);
  }

  @Test
  void aRevisionEmittedTwiceFails() {
    cleanRun();
    checks.completed(0, 1, 2);

    ClusterChecks.Verdict verdict = checks.verdict(NOTHING_LOST, new int[] {1, 2}, 2);

    assertThat(verdict.duplicateRevisions()).isEqualTo(1);
    assertThat(verdict.failures()).anyMatch(f -> f.startsWith("a revision emitted more than once"));
  }

  @Test
  void aTraceSplitWithoutAGapOfTheQuietWindowFails() {
    cleanRun();
    checks.completed(0, 2, 2);

    ClusterChecks.Verdict verdict = checks.verdict(NOTHING_LOST, new int[] {2, 2}, 2);

    assertThat(verdict.failures())
        .anyMatch(f -> f.startsWith("revisions other than the ingest times call for"));
  }

  @Test
  void aTraceNotReopenedAfterAGapOfTheQuietWindowIsNotFinal() {
    ledger.acked(0, 2, 5_000);
    checks.ingested(0, "a0", 1_000);
    checks.ingested(0, "a1", 5_000);
    checks.completed(0, 1, 2);

    assertThat(checks.allFinal()).isFalse();
    assertThat(
            checks
                .verdict(new StoreAudit.Audit(2, 0, 0, 0, 1, 0, Map.of(1, 1L)), new int[] {1}, 1)
                .failures())
        .anyMatch(f -> f.startsWith("revisions other than the ingest times call for"));
  }

  @Test
  void aTriggerPublishedTwiceOrMissingFails() {
    cleanRun();
    checks.triggered("t-0-1", 0, 1);

    ClusterChecks.Verdict twice = checks.verdict(NOTHING_LOST, new int[] {1, 2}, 2);

    assertThat(twice.duplicateTriggerIds()).isEqualTo(1);
    assertThat(twice.failures()).anyMatch(f -> f.startsWith("a trigger published twice"));

    ClusterChecks missing =
        new ClusterChecks(ledger, "p", Duration.ofMillis(QUIET), Duration.ofMillis(AMBIGUITY));
    missing.ingested(0, "a0", 1_000);
    missing.completed(0, 1, 1);
    assertThat(
            missing
                .verdict(new StoreAudit.Audit(1, 0, 0, 0, 1, 0, Map.of(1, 1L)), new int[] {1}, 1)
                .failures())
        .anyMatch(f -> f.startsWith("revisions without their trigger"));
  }

  @Test
  void aLostSpanOrATraceStoredAtAnEarlierRevisionFails() {
    cleanRun();

    ClusterChecks.Verdict verdict =
        checks.verdict(new StoreAudit.Audit(4, 1, 0, 1, 1, 1, Map.of(1, 2L)), new int[] {1, 1}, 2);

    assertThat(verdict.lostSpans()).isEqualTo(1);
    assertThat(verdict.failures())
        .anyMatch(f -> f.startsWith("acknowledged spans not stored"))
        .anyMatch(f -> f.startsWith("stored trace not complete at its last revision"));
  }

  @Test
  void anAcknowledgedSpanMissingFromTheTopicFails() {
    cleanRun();
    ledger.acked(0, 1, 2_000);

    assertThat(checks.verdict(NOTHING_LOST, new int[] {1, 2}, 2).failures())
        .anyMatch(f -> f.startsWith("acknowledged spans missing from tracefold.spans"));
  }
}
