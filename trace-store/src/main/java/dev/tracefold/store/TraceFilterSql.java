package dev.tracefold.store;

import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.store.query.KeysetPosition;
import dev.tracefold.store.query.LongRange;
import dev.tracefold.store.query.RangeField;
import dev.tracefold.store.query.TagMatch;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.query.TraceSort;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns a {@link TraceFilter} and a {@link TraceSort} into SQL over {@code traces t}. Every
 * condition is written in the form an index of V3 serves (see the migration). Stateless and
 * thread-safe.
 */
final class TraceFilterSql {
  /** The expression {@code tags} filters match: span tags plus user tags (indexed, GIN). */
  static final String TAGS_EXPRESSION = "(t.tags || t.user_tags)";

  private TraceFilterSql() {}

  /** {@code t.project_id = ? AND <every condition of the filter>}. */
  static SqlFragment where(String projectId, TraceFilter filter) {
    SqlFragment where = new SqlFragment().and("t.project_id = ?", projectId);
    // status and state are enum constants, written as literals so that the planner can match
    // the partial indexes on status = 'ERROR' and state = 'in_progress'
    if (!filter.statuses().isEmpty()) {
      where.and("t.status IN (" + literals(filter.statuses().stream().map(SpanStatus::name)) + ")");
    }
    if (!filter.states().isEmpty()) {
      where.and(
          "t.state IN (" + literals(filter.states().stream().map(TraceState::wireName)) + ")");
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
    return where;
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
    };
  }

  /** Adds the keyset condition: rows strictly after {@code position} in the sort's order. */
  static void after(SqlFragment where, TraceSort sort, KeysetPosition position) {
    String operator = sort.order() == TraceSort.Order.DESC ? "<" : ">";
    where.and(
        "(" + sortKey(sort.field()) + ", t.trace_id) " + operator + " (?, ?)",
        position.sortKey(),
        position.traceId());
  }

  /** {@code ORDER BY key dir, t.trace_id dir}. */
  static String orderBy(TraceSort sort) {
    String direction = sort.order() == TraceSort.Order.DESC ? "DESC" : "ASC";
    return " ORDER BY " + sortKey(sort.field()) + " " + direction + ", t.trace_id " + direction;
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
