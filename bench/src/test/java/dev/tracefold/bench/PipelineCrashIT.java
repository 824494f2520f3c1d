package dev.tracefold.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue #12: the standalone pipeline killed with SIGKILL under load and restarted on its data (the
 * embedded broker's logs, the embedded PostgreSQL, which outlives the JVM and is taken over, and
 * the completion stream's state), on the same ports, while the agents keep retrying; afterwards
 * {@link PipelineVerdict} holds.
 */
class PipelineCrashIT {
  private static final Logger log = LoggerFactory.getLogger(PipelineCrashIT.class);

  @TempDir Path dir;

  @Test
  void killNineAndRestartLosesNoAcknowledgedSpanAndPublishesNoTriggerTwice() throws Exception {
    PipelineBenchOptions options = FaultLoad.options(dir, FaultLoad.MAX_LOAD);
    Map<String, String> settings = FaultLoad.settings();
    FaultLoad.fixGatewayPorts(settings);
    settings.put("tracefold.standalone.kafka-port", Integer.toString(ChildJvm.freePort()));
    settings.put("tracefold.standalone.postgres-port", Integer.toString(ChildJvm.freePort()));
    Path run = dir.resolve("pipeline");
    PipelineProcess pipeline = PipelineProcess.start(options, run, settings, List.of());
    try {
      FaultLoad.createEveryRule(pipeline.apiUri(), pipeline.apiKey());
      PipelineVerdict.Pipeline stores =
          PipelineVerdict.Pipeline.of(pipeline, FaultLoad.QUIET_WINDOW);
      try (FaultLoad load = new FaultLoad(dir, pipeline.otlpHttpUri(), pipeline.apiKey())) {
        Pause.millis(8_000);
        long ackedBefore = load.result().spansAcked();
        log.info(
            "SIGKILL to the pipeline (pid {}), {} spans acknowledged", pipeline.pid(), ackedBefore);
        long killedAt = System.nanoTime();
        pipeline.kill();
        pipeline = PipelineProcess.start(options, run, settings, List.of());
        long outageMillis = (System.nanoTime() - killedAt) / 1_000_000;
        log.info("Pipeline restarted {} ms after the kill", outageMillis);
        assertThat(pipeline.otlpHttpUri()).isEqualTo(load.otlpHttpUri());
        long ackedAtRestart = load.result().spansAcked();
        Pause.millis(10_000);
        assertThat(load.result().spansAcked())
            .as("the restarted pipeline acknowledges spans")
            .isGreaterThan(ackedAtRestart);

        assertThat(load.result().retriedTransport())
            .as("requests failed while the pipeline was down, and were retried")
            .isPositive();
        load.finishAndAssert(stores, "kill -9, down " + outageMillis + " ms");
      }
    } finally {
      pipeline.close();
      FaultLoad.keepLog(pipeline, "PipelineCrashIT");
    }
  }
}
