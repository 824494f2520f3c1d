package dev.tracefold.store;

/**
 * A project already holds the most resources of one kind it may have ({@link
 * dev.tracefold.store.sql.ResourceTable#MAX_PER_PROJECT} evaluation rules, annotation queues or
 * trace sets); nothing was stored. The message says so and what to do, e.g. {@code project 'p'
 * already has 1000 evaluation rules, the most one project may have; delete some first}. The read
 * API answers it 409.
 */
public final class ResourceLimitException extends RuntimeException {
  /**
   * @param message what was refused and what to do
   */
  public ResourceLimitException(String message) {
    super(message);
  }
}
