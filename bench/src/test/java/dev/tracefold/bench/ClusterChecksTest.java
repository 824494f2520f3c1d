package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The revisions that ingest times call for ({@link ClusterChecks#expectedRevisions}). */
class ClusterChecksTest {
  private static final long QUIET = 3_000;
  private static final long AMBIGUITY = 300;

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
}
