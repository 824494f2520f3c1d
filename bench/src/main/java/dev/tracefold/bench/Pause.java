package dev.tracefold.bench;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting helpers for the benchmark's polling loops. */
final class Pause {
  private Pause() {}

  /**
   * Sleeps.
   *
   * @throws IllegalStateException if interrupted (the interrupt flag is restored)
   */
  static void millis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  /**
   * Polls {@code condition} every {@code pollMillis} until it holds or {@code timeout} passes.
   *
   * @return whether the condition held
   */
  static boolean until(BooleanSupplier condition, Duration timeout, long pollMillis) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      millis(pollMillis);
    }
    return true;
  }
}
