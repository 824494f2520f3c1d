package dev.tracefold.service;

/**
 * One dependency or component whose readiness {@code /health} reports. Implementations must be
 * thread-safe and answer quickly (they run on each {@code /health} request).
 */
public interface HealthCheck {
  /**
   * Short stable name shown in {@code /health}, e.g. {@code kafka}, {@code store}, {@code streams}.
   */
  String name();

  /** Checks now; must not throw (report a failure as {@link Result#down}). */
  Result check();

  /**
   * Outcome of one check. Immutable.
   *
   * @param healthy true when the component can do its work
   * @param detail human-readable detail, e.g. {@code RUNNING} or the error message
   */
  record Result(boolean healthy, String detail) {
    public static Result up(String detail) {
      return new Result(true, detail);
    }

    public static Result down(String detail) {
      return new Result(false, detail);
    }
  }
}
