package dev.tracefold.store.trace;

import dev.tracefold.store.TraceStore;
import java.util.List;
import java.util.Objects;

/**
 * The values a project's recent traces take in the fields the trace filters match by value: what a
 * filter panel offers in its multi-selects. Read by {@link TraceStore#facets(String)} from the
 * project's {@link #RECENT_TRACES} newest traces (by start); each list holds at most {@link
 * #MAX_VALUES} values, the most frequent, sorted by text.
 *
 * @param models models of the traces' spans
 * @param providers providers
 * @param serviceNames service names
 * @param tags span tags and user tags
 * @param metadataKeys keys of the traces' metadata (for {@code metadata.<key>} filters)
 * @param sources sources of the traces' root spans (of every trace of the project)
 */
public record TraceFacets(
    List<String> models,
    List<String> providers,
    List<String> serviceNames,
    List<String> tags,
    List<String> metadataKeys,
    List<String> sources) {
  /**
   * Traces read: bounded so that the answer costs the same at any project size (a read of the start
   * index and of these rows; ~20 ms at this size on the development machine).
   */
  public static final int RECENT_TRACES = 5_000;

  /** Values kept per field. */
  public static final int MAX_VALUES = 200;

  public TraceFacets {
    models = List.copyOf(Objects.requireNonNull(models, "models"));
    providers = List.copyOf(Objects.requireNonNull(providers, "providers"));
    serviceNames = List.copyOf(Objects.requireNonNull(serviceNames, "serviceNames"));
    tags = List.copyOf(Objects.requireNonNull(tags, "tags"));
    metadataKeys = List.copyOf(Objects.requireNonNull(metadataKeys, "metadataKeys"));
    sources = List.copyOf(Objects.requireNonNull(sources, "sources"));
  }
}
