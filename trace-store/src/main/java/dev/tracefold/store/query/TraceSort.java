package dev.tracefold.store.query;

import dev.tracefold.schemas.TraceRollup;
import dev.tracefold.store.StoredTrace;
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
    CREATED_AT("created_at", StoredTrace::createdEpochMillis);

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

    /** The trace's sort key, as the store compares it. */
    public long keyOf(StoredTrace trace) {
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

  /** The position a page ending with {@code trace} continues from. */
  public KeysetPosition positionOf(StoredTrace trace) {
    return new KeysetPosition(field.keyOf(trace), trace.rollup().getTraceId());
  }
}
