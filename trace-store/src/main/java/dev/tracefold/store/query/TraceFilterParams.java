package dev.tracefold.store.query;

import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.store.trace.TraceState;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the filter parameters of {@code GET /api/v1/traces} (also the filter of a trace set, and
 * of evaluation rules) into a {@link TraceFilter}. Parameters and their forms:
 *
 * <ul>
 *   <li>lists, any of the values matches; repeat the parameter or separate values with commas:
 *       {@code status} ({@code OK}, {@code ERROR}, {@code UNSET}), {@code state} ({@code
 *       in_progress}, {@code complete}), {@code trace_id} (32 hex characters), {@code session_id},
 *       {@code user_id}, {@code models}, {@code providers}, {@code service_names}, {@code source},
 *       {@code tags} (all of them must match unless {@code tags_match=any});
 *   <li>single text values: {@code name} (exact root span name), {@code name_contains}, {@code
 *       search} (root span name, input or output contains it; both ignore case), {@code tags_match}
 *       ({@code all} or {@code any}), {@code metadata.<key>=<value>} (exact, once per key, several
 *       keys combine);
 *   <li>inclusive ranges of whole numbers {@code >= 0}: {@code min_}/{@code max_} + {@code
 *       duration_nanos}, {@code ttft_nanos}, {@code cost_microcents}, {@code span_count}, {@code
 *       error_count}, {@code input_tokens}, {@code output_tokens};
 *   <li>trace start: {@code time_range} (the last {@code <n>m}, {@code <n>h} or {@code <n>d}, e.g.
 *       {@code 1h}, {@code 24h}, {@code 7d}, {@code 30d}) or {@code from} (inclusive) / {@code to}
 *       (exclusive) as RFC 3339 times ({@code 2026-11-21T09:30:00Z});
 *   <li>scores (the latest score of each evaluator; one score must meet all of these): {@code
 *       evaluator} and {@code label} (lists), {@code passed} ({@code true} or {@code false}),
 *       {@code min_score} / {@code max_score} (inclusive bounds of the score's value, finite
 *       numbers; only with {@code evaluator}, as evaluators score on different scales); and {@code
 *       score_pending} ({@code true}: a fired evaluation trigger no score answers yet; {@code
 *       false}: none).
 * </ul>
 *
 * Every failure is an {@link InvalidFilterException} naming the parameter: unknown parameters, a
 * single-valued parameter given twice, empty values, more than {@value #MAX_VALUES} values, text
 * longer than {@value #MAX_TEXT_LENGTH} characters, malformed numbers, times and enum values, and
 * contradictory bounds. Stateless and thread-safe.
 */
public final class TraceFilterParams {
  /** Most values one list parameter may carry. */
  public static final int MAX_VALUES = 100;

  /** Longest text value, in characters. */
  public static final int MAX_TEXT_LENGTH = 1000;

  /** Prefix of metadata parameters: {@code metadata.<key>=<value>}. */
  public static final String METADATA_PREFIX = "metadata.";

  private static final String STATUS = "status";
  private static final String STATE = "state";
  private static final String NAME = "name";
  private static final String NAME_CONTAINS = "name_contains";
  private static final String TRACE_ID = "trace_id";
  private static final String SESSION_ID = "session_id";
  private static final String USER_ID = "user_id";
  private static final String TAGS = "tags";
  private static final String TAGS_MATCH = "tags_match";
  private static final String MODELS = "models";
  private static final String PROVIDERS = "providers";
  private static final String SERVICE_NAMES = "service_names";
  private static final String SOURCE = "source";
  private static final String TIME_RANGE = "time_range";
  private static final String FROM = "from";
  private static final String TO = "to";
  private static final String SEARCH = "search";
  private static final String EVALUATOR = "evaluator";
  private static final String PASSED = "passed";
  private static final String MIN_SCORE = "min_score";
  private static final String MAX_SCORE = "max_score";
  private static final String LABEL = "label";
  private static final String SCORE_PENDING = "score_pending";

  /** Every parameter name this parser accepts, besides {@code metadata.<key>}. */
  public static final Set<String> PARAMETERS = parameterNames();

  private static final Pattern TRACE_ID_FORM = Pattern.compile("[0-9a-fA-F]{32}");
  private static final Pattern NUMBER_FORM =
      Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
  private static final Pattern TIME_RANGE_FORM = Pattern.compile("([1-9][0-9]{0,4})([mhd])");
  private static final String RFC_3339_EXAMPLE = "2026-11-21T09:30:00Z";

  private TraceFilterParams() {}

  /**
   * Parses filter parameters.
   *
   * @param params parameter name to its values in request order (a name given twice has two); must
   *     hold no other parameters (paging, sorting): remove those first
   * @param now the time {@code time_range} counts back from
   * @return the filter
   * @throws InvalidFilterException naming the first offending parameter
   */
  public static TraceFilter parse(Map<String, List<String>> params, Instant now) {
    return parse(params, now, List.of());
  }

  /**
   * Parses the filter parameters among {@code params}, skipping the caller's own parameters.
   *
   * @param params parameter name to its values in request order (a name given twice has two)
   * @param now the time {@code time_range} counts back from
   * @param otherParameters names the caller handles itself (e.g. paging); skipped here, and listed
   *     with the filters when a parameter is unknown
   * @return the filter
   * @throws InvalidFilterException naming the first offending parameter
   */
  public static TraceFilter parse(
      Map<String, List<String>> params, Instant now, Collection<String> otherParameters) {
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(otherParameters, "otherParameters");
    for (String key : new TreeSet<>(params.keySet())) {
      if (!PARAMETERS.contains(key)
          && !key.startsWith(METADATA_PREFIX)
          && !otherParameters.contains(key)) {
        throw new InvalidFilterException(
            key,
            "unknown parameter '"
                + abbreviate(key)
                + "'; the filters are "
                + String.join(", ", PARAMETERS)
                + " and metadata.<key>"
                + (otherParameters.isEmpty()
                    ? ""
                    : "; other parameters: " + String.join(", ", otherParameters)));
      }
    }
    Reader in = new Reader(params);
    TraceFilter.Builder filter = TraceFilter.builder();
    filter.statuses(in.enums(STATUS, SpanStatus.class, s -> s.toUpperCase(Locale.ROOT)));
    filter.states(in.states());
    filter.name(in.text(NAME));
    filter.nameContains(in.text(NAME_CONTAINS));
    filter.traceIds(in.traceIds());
    filter.sessionIds(in.list(SESSION_ID));
    filter.userIds(in.list(USER_ID));
    filter.tags(in.list(TAGS), in.tagMatch());
    filter.models(in.list(MODELS));
    filter.providers(in.list(PROVIDERS));
    filter.serviceNames(in.list(SERVICE_NAMES));
    filter.sources(in.list(SOURCE));
    filter.search(in.text(SEARCH));
    for (RangeField field : RangeField.values()) {
      String minName = "min_" + field.wireName();
      Long min = in.wholeNumber(minName);
      Long max = in.wholeNumber("max_" + field.wireName());
      if (min != null && max != null && min > max) {
        throw new InvalidFilterException(
            minName,
            minName + " (" + min + ") must not exceed max_" + field.wireName() + " (" + max + ")");
      }
      filter.range(field, new LongRange(min, max));
    }
    for (String key : new TreeSet<>(params.keySet())) {
      if (key.startsWith(METADATA_PREFIX)) {
        if (key.length() == METADATA_PREFIX.length()) {
          throw new InvalidFilterException(
              key, "metadata filters need a key: metadata.<key>=<value>");
        }
        filter.metadata(key.substring(METADATA_PREFIX.length()), in.single(key, true));
      }
    }
    in.startBounds(filter, now);
    in.scores(filter);
    return filter.build();
  }

  private static Set<String> parameterNames() {
    Set<String> names =
        new LinkedHashSet<>(
            List.of(
                STATUS,
                STATE,
                NAME,
                NAME_CONTAINS,
                TRACE_ID,
                SESSION_ID,
                USER_ID,
                TAGS,
                TAGS_MATCH,
                MODELS,
                PROVIDERS,
                SERVICE_NAMES,
                SOURCE));
    for (RangeField field : RangeField.values()) {
      names.add("min_" + field.wireName());
      names.add("max_" + field.wireName());
    }
    names.addAll(List.of(TIME_RANGE, FROM, TO, SEARCH));
    names.addAll(List.of(EVALUATOR, PASSED, MIN_SCORE, MAX_SCORE, LABEL, SCORE_PENDING));
    return Collections.unmodifiableSet(names);
  }

  private static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }

  /** Reads and checks the values of one request's parameters. */
  private static final class Reader {
    private final Map<String, List<String>> params;

    Reader(Map<String, List<String>> params) {
      this.params = params;
    }

    /** The one value of a single-valued parameter, or null when absent. */
    String single(String name, boolean emptyAllowed) {
      List<String> values = params.get(name);
      if (values == null || values.isEmpty()) {
        return null;
      }
      if (values.size() > 1) {
        throw new InvalidFilterException(
            name, name + " must be given once, got " + values.size() + " values");
      }
      String value = Objects.requireNonNull(values.get(0), name);
      if (value.isEmpty() && !emptyAllowed) {
        throw new InvalidFilterException(name, name + " must not be empty");
      }
      return checkLength(name, value);
    }

    String text(String name) {
      return single(name, false);
    }

    /** The values of a list parameter: repeated and/or comma-separated, trimmed. */
    List<String> list(String name) {
      List<String> raw = params.get(name);
      if (raw == null || raw.isEmpty()) {
        return List.of();
      }
      List<String> values = new ArrayList<>();
      for (String given : raw) {
        for (String part : given.split(",", -1)) {
          String value = part.trim();
          if (value.isEmpty()) {
            throw new InvalidFilterException(
                name,
                name
                    + " has an empty value in '"
                    + abbreviate(given)
                    + "'; give one or more values separated by commas");
          }
          values.add(checkLength(name, value));
        }
      }
      if (values.size() > MAX_VALUES) {
        throw new InvalidFilterException(
            name, name + " has " + values.size() + " values; at most " + MAX_VALUES + " allowed");
      }
      return values;
    }

    <E extends Enum<E>> Set<E> enums(
        String name, Class<E> type, java.util.function.UnaryOperator<String> normalise) {
      Set<E> result = EnumSet.noneOf(type);
      for (String value : list(name)) {
        try {
          result.add(Enum.valueOf(type, normalise.apply(value)));
        } catch (IllegalArgumentException e) {
          throw new InvalidFilterException(
              name,
              name
                  + " must be "
                  + choices(type.getEnumConstants())
                  + ", got '"
                  + abbreviate(value)
                  + "'");
        }
      }
      return result;
    }

    Set<TraceState> states() {
      Set<TraceState> result = EnumSet.noneOf(TraceState.class);
      for (String value : list(STATE)) {
        try {
          result.add(TraceState.fromWireName(value.toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new InvalidFilterException(
              STATE, "state must be in_progress or complete, got '" + abbreviate(value) + "'");
        }
      }
      return result;
    }

    List<String> traceIds() {
      List<String> ids = new ArrayList<>();
      for (String value : list(TRACE_ID)) {
        if (!TRACE_ID_FORM.matcher(value).matches()) {
          throw new InvalidFilterException(
              TRACE_ID, "trace_id must be 32 hex characters, got '" + abbreviate(value) + "'");
        }
        ids.add(value.toLowerCase(Locale.ROOT));
      }
      return ids;
    }

    TagMatch tagMatch() {
      String value = text(TAGS_MATCH);
      if (value == null) {
        return TagMatch.ALL;
      }
      for (TagMatch match : TagMatch.values()) {
        if (match.wireName().equals(value.toLowerCase(Locale.ROOT))) {
          return match;
        }
      }
      throw new InvalidFilterException(
          TAGS_MATCH, "tags_match must be all or any, got '" + abbreviate(value) + "'");
    }

    Long wholeNumber(String name) {
      String value = text(name);
      if (value == null) {
        return null;
      }
      try {
        long number = Long.parseLong(value.trim());
        if (number >= 0) {
          return number;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new InvalidFilterException(
          name, name + " must be a whole number >= 0, got '" + abbreviate(value) + "'");
    }

    void startBounds(TraceFilter.Builder filter, Instant now) {
      String range = text(TIME_RANGE);
      Long from = time(FROM);
      Long to = time(TO);
      if (range != null) {
        if (from != null || to != null) {
          throw new InvalidFilterException(
              TIME_RANGE,
              "time_range cannot be combined with from or to; use time_range alone, or from"
                  + " and/or to");
        }
        Matcher matcher = TIME_RANGE_FORM.matcher(range.trim());
        if (!matcher.matches()) {
          throw new InvalidFilterException(
              TIME_RANGE,
              "time_range must be a number of minutes, hours or days such as 1h, 24h, 7d or 30d,"
                  + " got '"
                  + abbreviate(range)
                  + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        Duration length =
            switch (matcher.group(2)) {
              case "m" -> Duration.ofMinutes(amount);
              case "h" -> Duration.ofHours(amount);
              default -> Duration.ofDays(amount);
            };
        long since;
        try {
          since = epochNanos(now.minus(length));
        } catch (ArithmeticException | DateTimeException e) {
          // now comes from a cursor when paging, and an edited cursor can carry any time
          throw new InvalidFilterException(
              TIME_RANGE,
              "time_range "
                  + range
                  + " counted back from "
                  + now
                  + " is outside the times Tracefold stores (1677-09-21 to 2262-04-11)");
        }
        filter.startBetween(since, null);
        return;
      }
      if (from != null && to != null && from >= to) {
        throw new InvalidFilterException(
            FROM, "from (" + text(FROM) + ") must be before to (" + text(TO) + ")");
      }
      filter.startBetween(from, to);
    }

    void scores(TraceFilter.Builder filter) {
      List<String> evaluators = list(EVALUATOR);
      filter.evaluators(evaluators);
      filter.passed(bool(PASSED));
      filter.labels(list(LABEL));
      filter.scorePending(bool(SCORE_PENDING));
      Double min = finiteNumber(MIN_SCORE);
      Double max = finiteNumber(MAX_SCORE);
      if ((min != null || max != null) && evaluators.isEmpty()) {
        String name = min != null ? MIN_SCORE : MAX_SCORE;
        throw new InvalidFilterException(
            name,
            name
                + " needs evaluator=<name>, the evaluator whose scores it bounds (evaluators"
                + " score on different scales)");
      }
      if (min != null && max != null && min > max) {
        throw new InvalidFilterException(
            MIN_SCORE, "min_score (" + min + ") must not exceed max_score (" + max + ")");
      }
      filter.scoreRange(new DoubleRange(min, max));
    }

    private Boolean bool(String name) {
      String value = text(name);
      if (value == null) {
        return null;
      }
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default ->
            throw new InvalidFilterException(
                name, name + " must be true or false, got '" + abbreviate(value) + "'");
      };
    }

    private Double finiteNumber(String name) {
      String value = text(name);
      if (value == null) {
        return null;
      }
      if (NUMBER_FORM.matcher(value.trim()).matches()) {
        double number = Double.parseDouble(value.trim());
        if (Double.isFinite(number)) {
          return number;
        }
      }
      throw new InvalidFilterException(
          name, name + " must be a finite number such as 0.5, got '" + abbreviate(value) + "'");
    }

    private Long time(String name) {
      String value = text(name);
      if (value == null) {
        return null;
      }
      try {
        return epochNanos(
            OffsetDateTime.parse(value.trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
      } catch (DateTimeException | ArithmeticException e) {
        throw new InvalidFilterException(
            name,
            name
                + " must be an RFC 3339 time such as "
                + RFC_3339_EXAMPLE
                + ", got '"
                + abbreviate(value)
                + "'");
      }
    }

    private static long epochNanos(Instant instant) {
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    private static String checkLength(String name, String value) {
      if (value.length() > MAX_TEXT_LENGTH) {
        throw new InvalidFilterException(
            name,
            name
                + " is "
                + value.length()
                + " characters long; at most "
                + MAX_TEXT_LENGTH
                + " allowed");
      }
      return value;
    }

    private static String choices(Enum<?>[] values) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          text.append(i == values.length - 1 ? " or " : ", ");
        }
        text.append(values[i].name());
      }
      return text.toString();
    }
  }
}
