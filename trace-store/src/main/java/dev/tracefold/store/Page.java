package dev.tracefold.store;

import java.util.List;

/**
 * One page of a listing whose total is not counted. Immutable.
 *
 * @param items the items on this page, in the listing's order
 * @param hasMore true when items follow this page
 */
public record Page<T>(List<T> items, boolean hasMore) {
  public Page {
    items = List.copyOf(items);
  }

  /** The first {@code pageSize} of {@code read} items; more follow when there were more. */
  public static <T> Page<T> of(List<T> read, int pageSize) {
    return read.size() > pageSize
        ? new Page<>(read.subList(0, pageSize), true)
        : new Page<>(read, false);
  }
}
