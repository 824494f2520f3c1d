package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PipelineBenchOptionsTest {
  private static PipelineBenchOptions parse(String... args) {
    return PipelineBenchOptions.parse(List.of(args), new Properties());
  }

  @Test
  void defaultsOfferTwentyThousandSpansPerSecond() {
    PipelineBenchOptions options = parse();

    assertThat(options.agents()).isEqualTo(PipelineBenchOptions.DEFAULT_AGENTS);
    assertThat(options.offeredSpansPerSecond()).isEqualTo(20_000.0);
    assertThat(options.quietWindow()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.timed()).isFalse();
    assertThat(options.maxTraces()).isEqualTo(50_000);
    assertThat(options.effective())
        .containsEntry("agents", "4000")
        .containsEntry("sample-interval", "1s");
  }

  @Test
  void aRateSizesTheAgentsAndASoakSamplesEveryTenSeconds() {
    PipelineBenchOptions options = parse("--soak=10m", "--spans-per-second=16000");

    assertThat(options.agents()).isEqualTo(4_000); // 16,000 x 0.2 s x 1.25
    assertThat(options.sampleInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.loadTime()).isEqualTo(Duration.ofMinutes(10));
    assertThat(options.maxTraces()).isGreaterThan(16_000 / 8 * 600);
  }

  @Test
  void aSoakNeedsARate() {
    assertThatThrownBy(() -> parse("--soak=10m"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--spans-per-second");
    assertThatThrownBy(() -> parse("--spans-per-trace=1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(parse("--help")).isNull();
  }

  @Test
  void theLedgerFindsATraceByItsId() {
    TraceLedger ledger = new TraceLedger(1_000, 42, "default", 5_000);
    String hex = HexFormat.of().formatHex(ledger.traceId(765));

    assertThat(ledger.traceNumber(hex)).isEqualTo(765);
    String otherRun =
        HexFormat.of().formatHex(new TraceLedger(1_000, 43, "default", 5_000).traceId(765));
    assertThat(ledger.traceNumber(otherRun)).as("another run's trace").isEqualTo(-1);
    String beyond =
        HexFormat.of().formatHex(new TraceLedger(5_000, 42, "default", 5_000).traceId(4_321));
    assertThat(ledger.traceNumber(beyond)).as("beyond the capacity").isEqualTo(-1);
  }
}
