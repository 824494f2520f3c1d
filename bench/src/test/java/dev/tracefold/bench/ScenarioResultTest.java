package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioResultTest {
  @TempDir Path dir;

  @Test
  void roundTripsThroughAFile() throws Exception {
    ScenarioResult result =
        new ScenarioResult.Builder(Scenario.LAG)
            .spans(1_000)
            .traces(200)
            .rates(5_000, 200.5, 40.25)
            .bufferedTraces(123)
            .emitLag(new LagSummary(10, 1, 2, 3))
            .visibleLag(new LagSummary(10, 4, 5, 6))
            .memory(new MemorySnapshot(1, 2), new MemorySnapshot(3, -1))
            .tracesNotEmitted(0)
            .note("a note with = and : and %s", "%")
            .build();
    Path file = dir.resolve("result.properties");

    result.writeTo(file);

    assertThat(ScenarioResult.readFrom(file)).isEqualTo(result);
  }

  @Test
  void failedResultsRoundTripWithoutFigures() throws Exception {
    ScenarioResult failed =
        ScenarioResult.failed(Scenario.BASELINE_MEMORY, "child exited with status 1");
    Path file = dir.resolve("failed.properties");

    failed.writeTo(file);

    ScenarioResult read = ScenarioResult.readFrom(file);
    assertThat(read.ok()).isFalse();
    assertThat(read).isEqualTo(failed);
  }

  @Test
  void latencySamplesUseNearestRank() {
    LatencySamples samples = new LatencySamples();
    for (int i = 100; i >= 1; i--) {
      samples.add(i);
    }

    assertThat(samples.summary()).isEqualTo(new LagSummary(100, 50, 99, 100));
    assertThat(new LatencySamples().summary().format()).isEqualTo("n/a");
  }
}
