package dev.tracefold.store.evaluation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which completed traces an evaluation rule or an annotation queue takes: a filter, as the list
 * parameters of {@code GET /api/v1/traces} ({@link dev.tracefold.store.query.TraceFilterParams}),
 * and a sampling percentage decided per trace by {@link dev.tracefold.store.query.TraceSampling}.
 * Immutable.
 *
 * @param filterParams parameter name to its values, e.g. {@code {"status": ["ERROR"]}}; empty
 *     selects every trace. Kept as given, parsed when the selection is applied, so that a relative
 *     {@code time_range} stays relative
 * @param samplingPercent share of the matching traces taken, 0 to 100 (fractions allowed)
 */
public record TraceSelection(SortedMap<String, List<String>> filterParams, double samplingPercent) {
  public TraceSelection {
    Objects.requireNonNull(filterParams, "filterParams");
    if (!(samplingPercent >= 0 && samplingPercent <= 100)) {
      throw new IllegalArgumentException(
          "sampling percent must be between 0 and 100, was " + samplingPercent);
    }
    SortedMap<String, List<String>> copy = new TreeMap<>();
    filterParams.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    filterParams = Collections.unmodifiableSortedMap(copy);
  }

  /** A selection of the traces matching the parameters, sampled at {@code samplingPercent}. */
  public static TraceSelection of(Map<String, ? extends List<String>> params, double percent) {
    SortedMap<String, List<String>> copy = new TreeMap<>();
    params.forEach((name, values) -> copy.put(name, new ArrayList<>(values)));
    return new TraceSelection(copy, percent);
  }
}
