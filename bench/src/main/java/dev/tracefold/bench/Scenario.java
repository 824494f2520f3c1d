package dev.tracefold.bench;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The scenarios of {@link CompletionBench}, in the order they run and are reported. */
enum Scenario {
  THROUGHPUT("throughput", Kind.TRACEFOLD, Load.THROUGHPUT),
  BASELINE_THROUGHPUT("baseline-throughput", Kind.BASELINE, Load.THROUGHPUT),
  LAG("lag", Kind.TRACEFOLD, Load.LAG),
  BASELINE_LAG("baseline-lag", Kind.BASELINE, Load.LAG),
  MEMORY("memory", Kind.TRACEFOLD, Load.MEMORY),
  BASELINE_MEMORY("baseline-memory", Kind.BASELINE, Load.MEMORY);

  /** Which topology runs. */
  enum Kind {
    /** {@code dev.tracefold.completion.CompletionStream}: wall-clock quiet window. */
    TRACEFOLD,
    /** {@link BaselineTopology}: session windows + suppress, stream time. */
    BASELINE
  }

  /** What is measured. */
  enum Load {
    THROUGHPUT,
    LAG,
    MEMORY
  }

  final String id;
  final Kind kind;
  final Load load;

  Scenario(String id, Kind kind, Load load) {
    this.id = id;
    this.kind = kind;
    this.load = load;
  }

  /**
   * The scenario named {@code id}.
   *
   * @throws IllegalArgumentException naming the known ids
   */
  static Scenario byId(String id) {
    for (Scenario scenario : values()) {
      if (scenario.id.equals(id.trim())) {
        return scenario;
      }
    }
    throw new IllegalArgumentException("Unknown scenario '" + id + "'; known: " + allIds());
  }

  static String allIds() {
    return Arrays.stream(values()).map(s -> s.id).collect(Collectors.joining(","));
  }
}
