package dev.tracefold.store.query;

import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.store.trace.StoredTrace;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * The order of a trace listing: a sort field and a direction; ties are broken by trace id in the
 * same direction, so every listing has one total order (what keyset paging needs). Immutable.
 *
 * @param field what to sort by
 * @param order ascending or descending
 */
public record TraceSort(Field field, Order order) {
  /** Newest start first: the default order of listings. */
  public static final TraceSort DEFAULT = new TraceSort(Field.START_TIME, Order.DESC);

  public TraceSort {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(order, "order");
  }

  /** Sort fields; each has an index, so a sorted first page reads only that page's rows. */
  public enum Field {
    /** Trace start, nanoseconds since the Unix epoch. */
    START_TIME("start_time", t -> t.rollup().getStartEpochNanos()),
    /** Trace end, nanoseconds since the Unix epoch. */
    END_TIME("end_time", t -> t.rollup().getEndEpochNanos()),
    /** Duration, nanoseconds. */
    DURATION("duration", t -> t.rollup().getDurationNanos()),
    /** Cost in microcents; a trace without a cost sorts as -1 (below every cost). */
    COST("cost", t -> costKey(t.rollup())),
    /** Input plus output tokens. */
    TOTAL_TOKENS("total_tokens", t -> t.rollup().getTotalTokens()),
    /** Number of spans. */
    SPAN_COUNT("span_count", t -> t.rollup().getSpanCount()),
    /** Number of spans with status ERROR. */
    ERROR_COUNT("error_count", t -> t.rollup().getErrorCount()),
    /** When the trace was first stored, milliseconds since the Unix epoch. */
    CREATED_AT("created_at", StoredTrace::createdEpochMillis),
    /**
     * The value of the latest score of one evaluator ({@link TraceQuery#scoreEvaluator()}: the
     * filter's only evaluator); a score without a value sorts below every value. Its key depends on
     * the evaluator: see {@link TraceQuery#positionOf}, {@link #scoreSortKey}.
     */
    SCORE("score", null);

    private final String wireName;
    private final ToLongFunction<StoredTrace> key;

    Field(String wireName, ToLongFunction<StoredTrace> key) {
      this.wireName = wireName;
      this.key = key;
    }

    /** The API spelling, e.g. {@code start_time}. */
    public String wireName() {
      return wireName;
    }

    /**
     * The trace's sort key, as the store compares it.
     *
     * @throws UnsupportedOperationException for {@link #SCORE}, whose key depends on the evaluator
     *     ({@link TraceQuery#positionOf})
     */
    public long keyOf(StoredTrace trace) {
      if (key == null) {
        throw new UnsupportedOperationException(
            "the score sort key depends on the evaluator: use TraceQuery.positionOf");
      }
      return key.applyAsLong(trace);
    }

    /**
     * The field with this API spelling, or null when there is none.
     *
     * @param wireName e.g. {@code start_time}
     */
    public static Field fromWireName(String wireName) {
      for (Field field : values()) {
        if (field.wireName.equals(wireName)) {
          return field;
        }
      }
      return null;
    }

    private static long costKey(TraceRollup rollup) {
      Long cost = rollup.getCostMicrocents();
      return cost == null ? -1 : cost;
    }
  }

  /** Sort direction. */
  public enum Order {
    ASC,
    DESC;

    /** The API spelling: {@code asc} or {@code desc}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The position a page ending with {@code trace} continues from.
   *
   * @throws UnsupportedOperationException for {@link Field#SCORE} ({@link TraceQuery#positionOf})
   */
  public KeysetPosition positionOf(StoredTrace trace) {
    return new KeysetPosition(field.keyOf(trace), trace.rollup().getTraceId());
  }

  /**
   * The sort key of a score value: a long that orders as the values do ({@code -0.0} as {@code
   * 0.0}); a score without a value (null) is {@code -Infinity}, below every value.
   */
  public static long scoreSortKey(Double value) {
    double v = value == null ? Double.NEGATIVE_INFINITY : value == 0 ? 0.0 : value;
    long bits = Double.doubleToLongBits(v);
    return bits >= 0 ? bits : bits ^ Long.MAX_VALUE;
  }

  /** The score value of a {@link #scoreSortKey} ({@code -Infinity} for a score without one). */
  public static double scoreOfSortKey(long key) {
    return Double.longBitsToDouble(key >= 0 ? key : key ^ Long.MAX_VALUE);
  }
}
