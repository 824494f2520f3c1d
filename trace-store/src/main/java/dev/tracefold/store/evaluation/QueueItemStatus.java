package dev.tracefold.store.evaluation;

import java.util.Locale;

/** Where an annotation queue item stands. */
public enum QueueItemStatus {
  /** Waiting for a reviewer. */
  PENDING,
  /** A reviewer marked it done. */
  DONE;

  /** The name in the API and the database: {@code pending}, {@code done}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The status of a wire name.
   *
   * @throws IllegalArgumentException if {@code wireName} is neither {@code pending} nor {@code
   *     done}
   */
  public static QueueItemStatus fromWireName(String wireName) {
    for (QueueItemStatus status : values()) {
      if (status.wireName().equals(wireName)) {
        return status;
      }
    }
    throw new IllegalArgumentException(
        "Unknown item status '" + wireName + "'; expected pending or done");
  }
}
