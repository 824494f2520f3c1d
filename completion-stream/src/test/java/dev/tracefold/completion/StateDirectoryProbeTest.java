package dev.tracefold.completion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.service.HealthCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state directory that cannot be written makes {@code /health} DOWN at once, naming the directory
 * and the cause, and UP again once it can (bench's PipelineFaultIT fills a real one). Root ignores
 * file modes, so the unwritable directory here is a file in its place.
 */
class StateDirectoryProbeTest {
  @TempDir Path dir;

  @Test
  void aWritableDirectoryIsFineAndKeepsNoProbeFile() throws Exception {
    Path state = dir.resolve("state");
    StateDirectoryProbe probe = new StateDirectoryProbe(state);

    assertThat(probe.problem()).isNull();
    try (var files = Files.list(state)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aStateDirectoryThatCannotBeWrittenIsReportedUntilItCanAgain() throws Exception {
    Path state = dir.resolve("state");
    Files.writeString(state, "not a directory");
    AtomicLong nanos = new AtomicLong();
    StateDirectoryProbe probe = new StateDirectoryProbe(state, nanos::get);

    String problem = probe.problem();
    assertThat(problem).contains("state directory " + state).contains("not writable");
    HealthCheck.Result down = CompletionStream.health(KafkaStreams.State.RUNNING, problem);
    assertThat(down.healthy()).isFalse();
    assertThat(down.detail()).contains("RUNNING, but state directory");

    Files.delete(state);
    nanos.addAndGet(StateDirectoryProbe.MAX_AGE.toNanos());
    assertThat(probe.problem()).isNull();
  }

  @Test
  void aResultIsReusedForASecond() throws Exception {
    Path state = dir.resolve("state");
    AtomicLong nanos = new AtomicLong();
    StateDirectoryProbe probe = new StateDirectoryProbe(state, nanos::get);
    assertThat(probe.problem()).isNull();

    Files.delete(state);
    Files.writeString(state, "not a directory");
    nanos.addAndGet(StateDirectoryProbe.MAX_AGE.toNanos() - 1);
    assertThat(probe.problem()).as("within a second of the last probe").isNull();

    nanos.addAndGet(1);
    assertThat(probe.problem()).contains("not writable");
  }
}
