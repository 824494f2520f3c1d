package dev.tracefold.store.query;

import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.store.evaluation.TraceScore;
import dev.tracefold.store.evaluation.TraceScores;
import dev.tracefold.store.trace.StoredTrace;
import dev.tracefold.store.trace.TraceState;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which traces of a project to select: every condition that is set must hold (AND); an empty set,
 * map or null value sets no condition. The one filter language of Tracefold: the read API's list
 * parameters ({@link TraceFilterParams}), trace sets, evaluation rules and annotation queues all
 * build this value, which the store turns into SQL and {@link #matches} evaluates in memory with
 * the same rules. Immutable; build with {@link #builder()}.
 *
 * <p>Score conditions ({@code evaluators}, {@code passed}, {@code scoreRange}, {@code labels}) look
 * at the latest score of each evaluator of the trace (of its highest revision scored, the newest):
 * they hold when one such score meets all of them together. {@code scorePending} looks at the
 * evaluation triggers fired for the trace.
 *
 * @param statuses trace status is one of these
 * @param states trace state is one of these
 * @param name root span name equals this exactly
 * @param nameContains root span name contains this, ignoring case
 * @param traceIds trace id is one of these
 * @param sessionIds session id is one of these
 * @param userIds user id is one of these
 * @param tags the trace's tags (its spans' tags plus the tags set through the API) contain these:
 *     all of them or any of them, per {@code tagMatch}
 * @param tagMatch how {@code tags} match; never null ({@link TagMatch#ALL} by default)
 * @param models the trace used at least one of these models
 * @param providers the trace used at least one of these providers
 * @param serviceNames at least one of the trace's services has one of these names
 * @param sources the root span arrived through one of these sources (e.g. {@code otlp-http-json})
 * @param ranges each figure lies within its inclusive range (a trace lacking the figure does not)
 * @param metadata the trace's metadata has each of these keys with exactly this value
 * @param startFromEpochNanos trace start is at or after this, nanoseconds since the Unix epoch
 * @param startToEpochNanos trace start is before this (exclusive), nanoseconds since the Unix epoch
 * @param search the root span name, the trace input or the trace output contains this, ignoring
 *     case
 * @param evaluators a latest score is of one of these evaluators (by name)
 * @param passed a latest score has this pass/fail verdict
 * @param scoreRange a latest score has a value within this range; null for no bound
 * @param labels a latest score has one of these labels
 * @param scorePending true: an evaluation trigger fired for the trace that no score answers yet (no
 *     score carries its trigger id); false: every fired trigger is answered (or none fired)
 */
public record TraceFilter(
    Set<SpanStatus> statuses,
    Set<TraceState> states,
    String name,
    String nameContains,
    Set<String> traceIds,
    Set<String> sessionIds,
    Set<String> userIds,
    Set<String> tags,
    TagMatch tagMatch,
    Set<String> models,
    Set<String> providers,
    Set<String> serviceNames,
    Set<String> sources,
    Map<RangeField, LongRange> ranges,
    Map<String, String> metadata,
    Long startFromEpochNanos,
    Long startToEpochNanos,
    String search,
    Set<String> evaluators,
    Boolean passed,
    DoubleRange scoreRange,
    Set<String> labels,
    Boolean scorePending) {

  /** The filter that selects every trace. */
  public static final TraceFilter ALL = builder().build();

  public TraceFilter {
    statuses = enums(statuses, SpanStatus.class);
    states = enums(states, TraceState.class);
    traceIds = strings(traceIds);
    sessionIds = strings(sessionIds);
    userIds = strings(userIds);
    tags = strings(tags);
    // without tags the match mode means nothing: normalise it so equal filters are equal
    tagMatch = tags.isEmpty() ? TagMatch.ALL : Objects.requireNonNullElse(tagMatch, TagMatch.ALL);
    models = strings(models);
    providers = strings(providers);
    serviceNames = strings(serviceNames);
    sources = strings(sources);
    EnumMap<RangeField, LongRange> boundedRanges = new EnumMap<>(RangeField.class);
    if (ranges != null) {
      ranges.forEach(
          (field, range) -> {
            if (!range.isUnbounded()) {
              boundedRanges.put(Objects.requireNonNull(field, "range field"), range);
            }
          });
    }
    ranges = Collections.unmodifiableMap(boundedRanges);
    SortedMap<String, String> sortedMetadata = new TreeMap<>();
    if (metadata != null) {
      sortedMetadata.putAll(metadata);
    }
    metadata = Collections.unmodifiableSortedMap(sortedMetadata);
    evaluators = strings(evaluators);
    // an unbounded range sets no condition: normalise it so equal filters are equal
    scoreRange = scoreRange == null || scoreRange.isUnbounded() ? null : scoreRange;
    labels = strings(labels);
  }

  /** A builder of a filter that selects every trace until conditions are set. */
  public static Builder builder() {
    return new Builder();
  }

  /** True when no condition is set. */
  public boolean isEmpty() {
    return equals(ALL);
  }

  /**
   * True when a condition looks at scores or pending triggers: a score arriving can change whether
   * the filter matches the trace.
   */
  public boolean hasScoreConditions() {
    return hasLatestScoreConditions() || scorePending != null;
  }

  private boolean hasLatestScoreConditions() {
    return !evaluators.isEmpty() || passed != null || scoreRange != null || !labels.isEmpty();
  }

  /**
   * Evaluates the filter in memory, with the rules the store's SQL applies ({@code name_contains}
   * and {@code search} compare lower-cased text, as {@code ILIKE} does).
   *
   * @param trace a stored trace (its spans are not looked at); with its pending triggers loaded
   *     ({@link TraceScores#pendingTriggers()}) when the filter has {@code scorePending}
   * @throws IllegalStateException if the filter has {@code scorePending} and the trace's pending
   *     triggers were not loaded
   */
  public boolean matches(StoredTrace trace) {
    TraceRollup r = trace.rollup();
    return (statuses.isEmpty() || statuses.contains(r.getStatus()))
        && (states.isEmpty() || states.contains(trace.state()))
        && (name == null || name.equals(r.getRootSpanName()))
        && (nameContains == null || containsIgnoringCase(r.getRootSpanName(), nameContains))
        && oneOf(traceIds, r.getTraceId())
        && oneOf(sessionIds, r.getSessionId())
        && oneOf(userIds, r.getUserId())
        && oneOf(sources, r.getSource())
        && tagsMatch(r, trace)
        && overlaps(models, r.getModels())
        && overlaps(providers, r.getProviders())
        && overlaps(serviceNames, r.getServiceNames())
        && ranges.entrySet().stream().allMatch(e -> e.getValue().contains(e.getKey().valueOf(r)))
        && metadata.entrySet().stream()
            .allMatch(e -> e.getValue().equals(r.getMetadata().get(e.getKey())))
        && (startFromEpochNanos == null || r.getStartEpochNanos() >= startFromEpochNanos)
        && (startToEpochNanos == null || r.getStartEpochNanos() < startToEpochNanos)
        && (search == null
            || containsIgnoringCase(r.getRootSpanName(), search)
            || containsIgnoringCase(r.getInput(), search)
            || containsIgnoringCase(r.getOutput(), search))
        && scoresMatch(trace.scores());
  }

  private boolean scoresMatch(TraceScores scores) {
    if (scorePending != null) {
      Integer pending = scores.pendingTriggers();
      if (pending == null) {
        throw new IllegalStateException(
            "score_pending needs the trace's pending triggers, which were not loaded");
      }
      if ((pending > 0) != scorePending) {
        return false;
      }
    }
    if (!hasLatestScoreConditions()) {
      return true;
    }
    return scores.latest().values().stream().anyMatch(this::latestScoreMatches);
  }

  private boolean latestScoreMatches(TraceScore score) {
    return (evaluators.isEmpty() || evaluators.contains(score.evaluatorName()))
        && (passed == null || passed.equals(score.passed()))
        && (scoreRange == null || scoreRange.contains(score.value()))
        && (labels.isEmpty() || (score.label() != null && labels.contains(score.label())));
  }

  private boolean tagsMatch(TraceRollup rollup, StoredTrace trace) {
    if (tags.isEmpty()) {
      return true;
    }
    Set<String> traceTags = new HashSet<>(rollup.getTags());
    traceTags.addAll(trace.userTags());
    return tagMatch == TagMatch.ALL
        ? traceTags.containsAll(tags)
        : tags.stream().anyMatch(traceTags::contains);
  }

  private static boolean oneOf(Set<String> allowed, String value) {
    return allowed.isEmpty() || (value != null && allowed.contains(value));
  }

  private static boolean overlaps(Set<String> wanted, Collection<String> values) {
    return wanted.isEmpty() || values.stream().anyMatch(wanted::contains);
  }

  private static boolean containsIgnoringCase(String text, String part) {
    return text != null && text.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
  }

  private static <E extends Enum<E>> Set<E> enums(Set<E> values, Class<E> type) {
    EnumSet<E> copy = EnumSet.noneOf(type);
    if (values != null) {
      copy.addAll(values);
    }
    return Collections.unmodifiableSet(copy);
  }

  private static Set<String> strings(Collection<String> values) {
    SortedSet<String> copy = new TreeSet<>();
    if (values != null) {
      values.forEach(v -> copy.add(Objects.requireNonNull(v, "filter value")));
    }
    return Collections.unmodifiableSortedSet(copy);
  }

  /** Builds a {@link TraceFilter}; every setter replaces that condition. Not thread-safe. */
  public static final class Builder {
    private Set<SpanStatus> statuses;
    private Set<TraceState> states;
    private String name;
    private String nameContains;
    private Set<String> traceIds;
    private Set<String> sessionIds;
    private Set<String> userIds;
    private Set<String> tags;
    private TagMatch tagMatch = TagMatch.ALL;
    private Set<String> models;
    private Set<String> providers;
    private Set<String> serviceNames;
    private Set<String> sources;
    private final Map<RangeField, LongRange> ranges = new EnumMap<>(RangeField.class);
    private final Map<String, String> metadata = new TreeMap<>();
    private Long startFromEpochNanos;
    private Long startToEpochNanos;
    private String search;
    private Set<String> evaluators;
    private Boolean passed;
    private DoubleRange scoreRange;
    private Set<String> labels;
    private Boolean scorePending;

    private Builder() {}

    /** Status is one of these (default: any). */
    public Builder statuses(Collection<SpanStatus> values) {
      statuses = values == null ? null : Set.copyOf(values);
      return this;
    }

    /** State is one of these (default: any). */
    public Builder states(Collection<TraceState> values) {
      states = values == null ? null : Set.copyOf(values);
      return this;
    }

    /** Root span name equals this (default: any). */
    public Builder name(String value) {
      name = value;
      return this;
    }

    /** Root span name contains this, ignoring case (default: any). */
    public Builder nameContains(String value) {
      nameContains = value;
      return this;
    }

    /** Trace id is one of these (default: any). */
    public Builder traceIds(Collection<String> values) {
      traceIds = copy(values);
      return this;
    }

    /** Session id is one of these (default: any). */
    public Builder sessionIds(Collection<String> values) {
      sessionIds = copy(values);
      return this;
    }

    /** User id is one of these (default: any). */
    public Builder userIds(Collection<String> values) {
      userIds = copy(values);
      return this;
    }

    /** The trace has these tags, all or any of them (default: no tag condition, {@code ALL}). */
    public Builder tags(Collection<String> values, TagMatch match) {
      tags = copy(values);
      tagMatch = Objects.requireNonNull(match, "match");
      return this;
    }

    /** The trace used one of these models (default: any). */
    public Builder models(Collection<String> values) {
      models = copy(values);
      return this;
    }

    /** The trace used one of these providers (default: any). */
    public Builder providers(Collection<String> values) {
      providers = copy(values);
      return this;
    }

    /** A service of the trace has one of these names (default: any). */
    public Builder serviceNames(Collection<String> values) {
      serviceNames = copy(values);
      return this;
    }

    /** The root span arrived through one of these sources (default: any). */
    public Builder sources(Collection<String> values) {
      sources = copy(values);
      return this;
    }

    /**
     * The figure lies in the range (inclusive bounds); an unbounded range removes the condition.
     */
    public Builder range(RangeField field, LongRange range) {
      ranges.put(Objects.requireNonNull(field, "field"), Objects.requireNonNull(range, "range"));
      return this;
    }

    /** The metadata has this key with exactly this value (adds to earlier metadata conditions). */
    public Builder metadata(String key, String value) {
      metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Trace start is in {@code [fromEpochNanos, toEpochNanos)}; either bound may be null (open).
     */
    public Builder startBetween(Long fromEpochNanos, Long toEpochNanos) {
      startFromEpochNanos = fromEpochNanos;
      startToEpochNanos = toEpochNanos;
      return this;
    }

    /** Root span name, input or output contains this, ignoring case (default: no search). */
    public Builder search(String value) {
      search = value;
      return this;
    }

    /** A latest score is of one of these evaluators (default: any, or no score condition). */
    public Builder evaluators(Collection<String> values) {
      evaluators = copy(values);
      return this;
    }

    /** A latest score passed ({@code true}) or failed ({@code false}); null: no condition. */
    public Builder passed(Boolean value) {
      passed = value;
      return this;
    }

    /**
     * A latest score's value lies in the range (inclusive bounds); null or an unbounded range: no
     * condition.
     */
    public Builder scoreRange(DoubleRange range) {
      scoreRange = range;
      return this;
    }

    /** A latest score has one of these labels (default: any). */
    public Builder labels(Collection<String> values) {
      labels = copy(values);
      return this;
    }

    /**
     * A fired trigger awaits a score ({@code true}) or none does ({@code false}); null: no
     * condition.
     */
    public Builder scorePending(Boolean value) {
      scorePending = value;
      return this;
    }

    /** The filter; the builder may be reused. */
    public TraceFilter build() {
      return new TraceFilter(
          statuses,
          states,
          name,
          nameContains,
          traceIds,
          sessionIds,
          userIds,
          tags,
          tagMatch,
          models,
          providers,
          serviceNames,
          sources,
          ranges,
          metadata,
          startFromEpochNanos,
          startToEpochNanos,
          search,
          evaluators,
          passed,
          scoreRange,
          labels,
          scorePending);
    }

    private static Set<String> copy(Collection<String> values) {
      return values == null ? null : new TreeSet<>(values);
    }
  }
}
