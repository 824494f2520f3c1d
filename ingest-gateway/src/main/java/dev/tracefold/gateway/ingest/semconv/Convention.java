package dev.tracefold.gateway.ingest.semconv;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One convention family's part of the mapping table: where it carries each field, its explicit
 * span-kind attributes, its kind inference rules, and which of its spans only repeat their
 * children's usage. Immutable and thread-safe.
 *
 * @param name the family, e.g. {@code OpenInference}
 * @param sources its sources, in precedence order within the family
 * @param kindRules rules on the family's own kind attribute (e.g. {@code openinference.span.kind})
 * @param inferredKindRules weaker rules tried only after every family's explicit ones
 * @param aggregatesChildUsage true for spans whose token counts sum their child spans' (such spans
 *     get no token counts or cost, so that a trace's totals count each call once)
 */
public record Convention(
    String name,
    List<Source<?>> sources,
    List<KindRule> kindRules,
    List<KindRule> inferredKindRules,
    Predicate<SpanView> aggregatesChildUsage) {
  public Convention {
    Objects.requireNonNull(name, "name");
    sources = List.copyOf(sources);
    kindRules = List.copyOf(kindRules);
    inferredKindRules = List.copyOf(inferredKindRules);
    Objects.requireNonNull(aggregatesChildUsage, "aggregatesChildUsage");
  }
}
