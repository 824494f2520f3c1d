package dev.tracefold.store.sql;

import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.store.query.DoubleRange;
import dev.tracefold.store.query.KeysetPosition;
import dev.tracefold.store.query.LongRange;
import dev.tracefold.store.query.RangeField;
import dev.tracefold.store.query.TagMatch;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.query.TraceQuery;
import dev.tracefold.store.query.TraceSort;
import dev.tracefold.store.trace.TraceState;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns a {@link TraceFilter} and a {@link TraceSort} into SQL over {@code traces t}. Every
 * condition is written in the form an index of V3 serves (see the migration); the state condition
 * is {@code EXISTS} over {@code traces_in_progress} (V8) and score conditions {@code EXISTS} over
 * the {@code scores} table and its indexes (V7), never columns of {@code traces}. Stateless and
 * thread-safe.
 *
 * <p>Internal to trace-store: public only so that its packages share it; other modules do not use
 * it.
 */
public final class TraceFilterSql {
  /** The expression {@code tags} filters match: span tags plus user tags (indexed, GIN). */
  static final String TAGS_EXPRESSION = "(t.tags || t.user_tags)";

  /** A score's value as {@code scores_latest_value_idx} orders it: no value is lowest. */
  private static final String SCORE_VALUE = "coalesce(s.value, '-Infinity'::double precision)";

  /** The latest scores of one evaluator, joined as {@code sc} when sorting by score. */
  private static final String SCORE_SORT_JOIN =
      " JOIN (SELECT s.trace_id AS score_trace_id, "
          + SCORE_VALUE
          + " AS score_key FROM scores s WHERE s.project_id = ? AND s.evaluator_name = ?"
          + " AND s.latest) sc ON sc.score_trace_id = t.trace_id";

  /** A fired trigger of the trace that no score answers. */
  private static final String PENDING_TRIGGER =
      "EXISTS (SELECT 1 FROM fired_triggers f WHERE f.project_id = t.project_id"
          + " AND f.trace_id = t.trace_id AND NOT EXISTS (SELECT 1 FROM scores s"
          + " WHERE s.project_id = f.project_id AND s.trace_id = f.trace_id"
          + " AND s.trigger_id = f.trigger_id))";

  /**
   * The trace is in progress: it has a row in {@code traces_in_progress}, which a trigger keeps
   * equal to {@code traces.state = 'in_progress'} (V8; the table, not the column, so that no index
   * of {@code traces} depends on {@code state}).
   */
  private static final String IN_PROGRESS =
      "EXISTS (SELECT 1 FROM traces_in_progress p WHERE p.project_id = t.project_id"
          + " AND p.trace_id = t.trace_id)";

  private TraceFilterSql() {}

  /** {@code t.project_id = ? AND <every condition of the filter>}. */
  public static SqlFragment where(String projectId, TraceFilter filter) {
    SqlFragment where = new SqlFragment().and("t.project_id = ?", projectId);
    // statuses are enum constants, written as literals so that the planner can match the partial
    // index on status = 'ERROR'
    if (!filter.statuses().isEmpty()) {
      where.and("t.status IN (" + literals(filter.statuses().stream().map(SpanStatus::name)) + ")");
    }
    if (filter.states().size() == 1) {
      where.and(
          filter.states().contains(TraceState.IN_PROGRESS) ? IN_PROGRESS : "NOT " + IN_PROGRESS);
    }
    if (filter.name() != null) {
      where.and("t.root_span_name = ?", filter.name());
    }
    if (filter.nameContains() != null) {
      where.and("t.root_span_name ILIKE ? ESCAPE '\\'", containsPattern(filter.nameContains()));
    }
    anyOf(where, "t.trace_id", filter.traceIds());
    anyOf(where, "t.session_id", filter.sessionIds());
    anyOf(where, "t.user_id", filter.userIds());
    anyOf(where, "t.source", filter.sources());
    if (!filter.tags().isEmpty()) {
      String operator = filter.tagMatch() == TagMatch.ALL ? "@>" : "&&";
      where.and(TAGS_EXPRESSION + " " + operator + " ?::text[]", (Object) array(filter.tags()));
    }
    overlaps(where, "t.models", filter.models());
    overlaps(where, "t.providers", filter.providers());
    overlaps(where, "t.service_names", filter.serviceNames());
    for (Map.Entry<RangeField, LongRange> range : filter.ranges().entrySet()) {
      range(where, range.getKey(), range.getValue());
    }
    if (!filter.metadata().isEmpty()) {
      where.and("t.metadata @> ?::jsonb", PgValues.json(filter.metadata()));
    }
    if (filter.startFromEpochNanos() != null) {
      where.and("t.start_epoch_nanos >= ?", filter.startFromEpochNanos());
    }
    if (filter.startToEpochNanos() != null) {
      where.and("t.start_epoch_nanos < ?", filter.startToEpochNanos());
    }
    if (filter.search() != null) {
      String pattern = containsPattern(filter.search());
      where.and(
          "(t.root_span_name ILIKE ? ESCAPE '\\' OR t.input ILIKE ? ESCAPE '\\'"
              + " OR t.output ILIKE ? ESCAPE '\\')",
          pattern,
          pattern,
          pattern);
    }
    latestScore(where, filter);
    if (filter.scorePending() != null) {
      where.and((filter.scorePending() ? "" : "NOT ") + PENDING_TRIGGER);
    }
    return where;
  }

  /**
   * {@code traces t}, joined with the latest scores of the sort's evaluator when sorting by score
   * (the traces without such a score are not listed).
   */
  public static SqlFragment from(String projectId, TraceQuery query) {
    SqlFragment from = new SqlFragment().append("traces t");
    if (query.sort().field() == TraceSort.Field.SCORE) {
      from.append(SCORE_SORT_JOIN, projectId, query.scoreEvaluator());
    }
    return from;
  }

  /** One latest score meets every score condition of the filter (evaluator, verdict, value). */
  private static void latestScore(SqlFragment where, TraceFilter filter) {
    if (filter.evaluators().isEmpty()
        && filter.passed() == null
        && filter.scoreRange() == null
        && filter.labels().isEmpty()) {
      return;
    }
    SqlFragment score =
        new SqlFragment()
            .and("s.project_id = t.project_id AND s.trace_id = t.trace_id AND s.latest");
    if (!filter.evaluators().isEmpty()) {
      score.and("s.evaluator_name = ANY(?)", (Object) array(filter.evaluators()));
    }
    if (filter.passed() != null) {
      // a literal, so the planner matches the partial index on passed IS NOT NULL
      score.and("s.passed = " + filter.passed());
    }
    DoubleRange range = filter.scoreRange();
    if (range != null) {
      // the expression of scores_latest_value_idx; a score without a value is outside every range
      score.and("s.value IS NOT NULL");
      if (range.min() != null) {
        score.and(SCORE_VALUE + " >= ?", range.min());
      }
      if (range.max() != null) {
        score.and(SCORE_VALUE + " <= ?", range.max());
      }
    }
    if (!filter.labels().isEmpty()) {
      score.and("s.label = ANY(?)", (Object) array(filter.labels()));
    }
    where.and("EXISTS (SELECT 1 FROM scores s WHERE ", score, ")");
  }

  /** The SQL expression of a sort field's key (the one its V3 index is built on). */
  static String sortKey(TraceSort.Field field) {
    return switch (field) {
      case START_TIME -> "t.start_epoch_nanos";
      case END_TIME -> "t.end_epoch_nanos";
      case DURATION -> "t.duration_nanos";
      case COST -> "coalesce(t.cost_microcents, -1)";
      case TOTAL_TOKENS -> "t.total_tokens";
      case SPAN_COUNT -> "t.span_count";
      case ERROR_COUNT -> "t.error_count";
      case CREATED_AT -> "t.created_epoch_millis";
      case SCORE -> "sc.score_key";
    };
  }

  /**
   * The tie-breaker of a sort: the trace id, as the sort key's index holds it ({@code sc}'s for
   * scores, so that the keyset condition is an index condition).
   */
  private static String tieBreaker(TraceSort.Field field) {
    return field == TraceSort.Field.SCORE ? "sc.score_trace_id" : "t.trace_id";
  }

  /** Adds the keyset condition: rows strictly after {@code position} in the sort's order. */
  public static void after(SqlFragment where, TraceSort sort, KeysetPosition position) {
    String operator = sort.order() == TraceSort.Order.DESC ? "<" : ">";
    String keys = "(" + sortKey(sort.field()) + ", " + tieBreaker(sort.field()) + ") ";
    Object key =
        sort.field() == TraceSort.Field.SCORE
            ? (Object) TraceSort.scoreOfSortKey(position.sortKey())
            : (Object) position.sortKey();
    where.and(keys + operator + " (?, ?)", key, position.traceId());
  }

  /** {@code ORDER BY key dir, <trace id> dir}. */
  public static String orderBy(TraceSort sort) {
    String direction = sort.order() == TraceSort.Order.DESC ? "DESC" : "ASC";
    return " ORDER BY "
        + sortKey(sort.field())
        + " "
        + direction
        + ", "
        + tieBreaker(sort.field())
        + " "
        + direction;
  }

  private static void range(SqlFragment where, RangeField field, LongRange range) {
    if (field == RangeField.COST_MICROCENTS) {
      // the expression of the cost index; a lower bound >= 0 also excludes traces without a cost
      String key = sortKey(TraceSort.Field.COST);
      where.and(key + " >= ?", range.min() == null ? 0L : range.min());
      if (range.max() != null) {
        where.and(key + " <= ?", range.max());
      }
      return;
    }
    String column = column(field);
    if (range.min() != null) {
      where.and(column + " >= ?", range.min());
    }
    if (range.max() != null) {
      where.and(column + " <= ?", range.max());
    }
  }

  private static String column(RangeField field) {
    return switch (field) {
      case DURATION_NANOS -> "t.duration_nanos";
      case TTFT_NANOS -> "t.time_to_first_token_nanos";
      case COST_MICROCENTS -> "t.cost_microcents";
      case SPAN_COUNT -> "t.span_count";
      case ERROR_COUNT -> "t.error_count";
      case INPUT_TOKENS -> "t.input_tokens";
      case OUTPUT_TOKENS -> "t.output_tokens";
    };
  }

  private static void anyOf(SqlFragment where, String column, Collection<String> values) {
    if (!values.isEmpty()) {
      where.and(column + " = ANY(?)", (Object) array(values));
    }
  }

  private static void overlaps(SqlFragment where, String column, Collection<String> values) {
    if (!values.isEmpty()) {
      where.and(column + " && ?::text[]", (Object) array(values));
    }
  }

  /** Enum names as SQL string literals; they are [A-Za-z_] only, so need no escaping. */
  private static String literals(Stream<String> names) {
    return names.map(name -> "'" + name + "'").collect(Collectors.joining(", "));
  }

  private static String[] array(Collection<String> values) {
    return values.toArray(String[]::new);
  }

  /** An ILIKE pattern matching text that contains {@code part} literally. */
  static String containsPattern(String part) {
    StringBuilder pattern = new StringBuilder("%");
    for (char c : part.toCharArray()) {
      if (c == '\\' || c == '%' || c == '_') {
        pattern.append('\\');
      }
      pattern.append(c);
    }
    return pattern.append('%').toString();
  }
}
