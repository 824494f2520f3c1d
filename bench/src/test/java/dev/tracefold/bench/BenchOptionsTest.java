package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  @Test
  void argumentsOverrideSystemPropertiesOverrideDefaults() {
    Properties system = new Properties();
    system.setProperty("bench.throughput-traces", "7");
    system.setProperty("bench.partitions", "2");

    BenchOptions options =
        BenchOptions.parse(List.of("--partitions=4", "--scenarios=memory,throughput"), system);

    assertThat(options.throughputTraces()).isEqualTo(7);
    assertThat(options.partitions()).isEqualTo(4);
    assertThat(options.scenarios()).containsExactly(Scenario.THROUGHPUT, Scenario.MEMORY);
    assertThat(options.lagSpansPerSecond()).as("auto").isZero();
    assertThat(options.lagQuietWindow()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.fork()).isTrue();
  }

  @Test
  void quickModeHasTinySizes() {
    BenchOptions options = BenchOptions.parse(List.of("--quick"), new Properties());

    assertThat(options.quick()).isTrue();
    assertThat((long) options.throughputTraces() * options.throughputSpansPerTrace())
        .isLessThan(10_000);
    assertThat(options.memoryTraces()).isLessThan(10_000);
  }

  @Test
  void helpReturnsNull() {
    assertThat(BenchOptions.parse(List.of("--help"), new Properties())).isNull();
    assertThat(BenchOptions.usage()).contains("--throughput-traces").doesNotContain("result-file");
  }

  @Test
  void rejectsUnknownKeysAndBadValuesWithTheKeyInTheMessage() {
    assertThatThrownBy(() -> BenchOptions.parse(List.of("--nope=1"), new Properties()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown option --nope; try --help");
    assertThatThrownBy(() -> BenchOptions.parse(List.of("--partitions=zero"), new Properties()))
        .hasMessage("--partitions must be a positive integer, got 'zero'");
    assertThatThrownBy(() -> BenchOptions.parse(List.of("--lag-span-gap=6s"), new Properties()))
        .hasMessageStartingWith("--lag-span-gap (PT6S) must be below --lag-quiet-window (PT5S)");
    assertThatThrownBy(() -> BenchOptions.parse(List.of("--after-input-wait=1s"), new Properties()))
        .hasMessageStartingWith(
            "--after-input-wait (1s) must exceed --throughput-quiet-window (2s)");
    assertThatThrownBy(() -> BenchOptions.parse(List.of("--scenarios=fast"), new Properties()))
        .hasMessageStartingWith("Unknown scenario 'fast'");
  }

  @Test
  void autoLagRateIsHalfTheThroughputWithinBounds() {
    assertThat(CompletionBench.autoLagRate(9_876)).isEqualTo(4_900);
    assertThat(CompletionBench.autoLagRate(100_000)).isEqualTo(BenchOptions.MAX_AUTO_LAG_RATE);
    assertThat(CompletionBench.autoLagRate(50)).isEqualTo(100);
  }

  @Test
  void expectedOpenTracesIsTraceRateTimesOpenTime() {
    BenchOptions options =
        BenchOptions.parse(List.of(), new Properties()).withLagSpansPerSecond(20_000);

    // 4,000 traces/s, open for 4 x 4 s + 5 s
    assertThat(options.expectedOpenLagTraces()).isEqualTo(84_000);
  }
}
