package dev.tracefold.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The figures of one scenario. Immutable. Unmeasured figures are -1 (counts, durations), NaN
 * (rates) or null (lags, memory).
 *
 * @param scenario the scenario
 * @param failure why the scenario failed, or null
 * @param spans spans produced
 * @param traces traces produced
 * @param durationMillis measured duration (its meaning per scenario is in {@code notes})
 * @param spansPerSecond spans per second over {@code durationMillis} (lag: the offered rate
 *     achieved)
 * @param tracesPerSecond traces emitted per second over {@code durationMillis}
 * @param bufferedTraces traces held open at once (lag: average over the measurement window)
 * @param emitLag lag by the completed record's timestamp, or null where that is not the emit time
 * @param visibleLag lag by the time a read_committed consumer received the record
 * @param before memory before the stream started, or null
 * @param after memory at the measurement point, or null
 * @param tracesNotEmitted traces never emitted once the input ended and the wait was over
 * @param notes how the figures were taken, one sentence each
 */
record ScenarioResult(
    Scenario scenario,
    String failure,
    long spans,
    long traces,
    long durationMillis,
    double spansPerSecond,
    double tracesPerSecond,
    long bufferedTraces,
    LagSummary emitLag,
    LagSummary visibleLag,
    MemorySnapshot before,
    MemorySnapshot after,
    long tracesNotEmitted,
    List<String> notes) {

  ScenarioResult {
    notes = List.copyOf(notes);
  }

  static ScenarioResult failed(Scenario scenario, String failure) {
    return new Builder(scenario).failure(failure).build();
  }

  boolean ok() {
    return failure == null;
  }

  /** Writes this result as a properties file (how a child JVM hands it to the parent). */
  void writeTo(Path file) throws IOException {
    Properties p = new Properties();
    p.setProperty("scenario", scenario.id);
    if (failure != null) {
      p.setProperty("failure", failure);
    }
    p.setProperty("spans", Long.toString(spans));
    p.setProperty("traces", Long.toString(traces));
    p.setProperty("durationMillis", Long.toString(durationMillis));
    p.setProperty("spansPerSecond", Double.toString(spansPerSecond));
    p.setProperty("tracesPerSecond", Double.toString(tracesPerSecond));
    p.setProperty("bufferedTraces", Long.toString(bufferedTraces));
    putLag(p, "emitLag", emitLag);
    putLag(p, "visibleLag", visibleLag);
    putMemory(p, "before", before);
    putMemory(p, "after", after);
    p.setProperty("tracesNotEmitted", Long.toString(tracesNotEmitted));
    for (int i = 0; i < notes.size(); i++) {
      p.setProperty("note." + i, notes.get(i));
    }
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(out, "ScenarioResult");
    }
  }

  /** Reads a file written by {@link #writeTo(Path)}. */
  static ScenarioResult readFrom(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    List<String> notes = new ArrayList<>();
    for (int i = 0; p.containsKey("note." + i); i++) {
      notes.add(p.getProperty("note." + i));
    }
    return new ScenarioResult(
        Scenario.byId(p.getProperty("scenario")),
        p.getProperty("failure"),
        Long.parseLong(p.getProperty("spans")),
        Long.parseLong(p.getProperty("traces")),
        Long.parseLong(p.getProperty("durationMillis")),
        Double.parseDouble(p.getProperty("spansPerSecond")),
        Double.parseDouble(p.getProperty("tracesPerSecond")),
        Long.parseLong(p.getProperty("bufferedTraces")),
        getLag(p, "emitLag"),
        getLag(p, "visibleLag"),
        getMemory(p, "before"),
        getMemory(p, "after"),
        Long.parseLong(p.getProperty("tracesNotEmitted")),
        notes);
  }

  private static void putLag(Properties p, String name, LagSummary lag) {
    if (lag != null) {
      p.setProperty(
          name,
          lag.count() + "," + lag.p50Millis() + "," + lag.p99Millis() + "," + lag.maxMillis());
    }
  }

  private static LagSummary getLag(Properties p, String name) {
    String value = p.getProperty(name);
    if (value == null) {
      return null;
    }
    String[] f = value.split(",");
    return new LagSummary(
        Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
  }

  private static void putMemory(Properties p, String name, MemorySnapshot memory) {
    if (memory != null) {
      p.setProperty(name, memory.heapUsedBytes() + "," + memory.rssBytes());
    }
  }

  private static MemorySnapshot getMemory(Properties p, String name) {
    String value = p.getProperty(name);
    if (value == null) {
      return null;
    }
    String[] f = value.split(",");
    return new MemorySnapshot(Long.parseLong(f[0]), Long.parseLong(f[1]));
  }

  /** Collects the figures of a scenario as it runs. Not thread-safe. */
  static final class Builder {
    private final Scenario scenario;
    private String failure;
    private long spans = -1;
    private long traces = -1;
    private long durationMillis = -1;
    private double spansPerSecond = Double.NaN;
    private double tracesPerSecond = Double.NaN;
    private long bufferedTraces = -1;
    private LagSummary emitLag;
    private LagSummary visibleLag;
    private MemorySnapshot before;
    private MemorySnapshot after;
    private long tracesNotEmitted = -1;
    private final List<String> notes = new ArrayList<>();

    Builder(Scenario scenario) {
      this.scenario = scenario;
    }

    Builder failure(String value) {
      failure = value;
      return this;
    }

    Builder spans(long value) {
      spans = value;
      return this;
    }

    Builder traces(long value) {
      traces = value;
      return this;
    }

    /**
     * Sets the duration and derives spans/s from {@code spans} and traces/s from {@code
     * emittedTraces}.
     */
    Builder duration(long millis, long emittedTraces) {
      durationMillis = millis;
      double seconds = Math.max(1, millis) / 1000.0;
      spansPerSecond = spans / seconds;
      tracesPerSecond = emittedTraces / seconds;
      return this;
    }

    /** Sets the duration and both rates as measured elsewhere. */
    Builder rates(long millis, double spansPerSecondValue, double tracesPerSecondValue) {
      durationMillis = millis;
      spansPerSecond = spansPerSecondValue;
      tracesPerSecond = tracesPerSecondValue;
      return this;
    }

    Builder bufferedTraces(long value) {
      bufferedTraces = value;
      return this;
    }

    Builder emitLag(LagSummary value) {
      emitLag = value;
      return this;
    }

    Builder visibleLag(LagSummary value) {
      visibleLag = value;
      return this;
    }

    Builder memory(MemorySnapshot beforeStream, MemorySnapshot atMeasurement) {
      before = beforeStream;
      after = atMeasurement;
      return this;
    }

    Builder tracesNotEmitted(long value) {
      tracesNotEmitted = value;
      return this;
    }

    Builder note(String format, Object... args) {
      notes.add(String.format(java.util.Locale.ROOT, format, args));
      return this;
    }

    ScenarioResult build() {
      return new ScenarioResult(
          scenario,
          failure,
          spans,
          traces,
          durationMillis,
          spansPerSecond,
          tracesPerSecond,
          bufferedTraces,
          emitLag,
          visibleLag,
          before,
          after,
          tracesNotEmitted,
          notes);
    }
  }
}
