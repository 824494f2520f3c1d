package dev.tracefold.sink;

import dev.tracefold.service.HealthCheck;

/**
 * What a worker is doing, for {@code /health}. Written by the worker thread, read by health checks.
 * Thread-safe.
 */
final class WorkerStatus {
  private enum Phase {
    STARTING,
    RUNNING,
    RETRYING,
    FAILED,
    STOPPED
  }

  private volatile Phase phase = Phase.STARTING;
  private volatile String detail = "starting";

  void running() {
    phase = Phase.RUNNING;
    detail = "running";
  }

  void retrying(Throwable error) {
    phase = Phase.RETRYING;
    detail = "retrying after " + error;
  }

  void failed(Throwable error) {
    phase = Phase.FAILED;
    detail = "stopped by a fatal error: " + error;
  }

  /** Marks the worker stopped, unless it failed (the failure stays visible). */
  void stopped() {
    if (phase != Phase.FAILED) {
      phase = Phase.STOPPED;
      detail = "stopped";
    }
  }

  boolean hasFailed() {
    return phase == Phase.FAILED;
  }

  /** Healthy while starting or running; not while retrying a failed batch, failed or stopped. */
  HealthCheck.Result result(boolean threadAlive) {
    Phase now = phase;
    String text = detail;
    if (!threadAlive && now != Phase.FAILED && now != Phase.STOPPED) {
      return HealthCheck.Result.down("worker thread is not running");
    }
    return now == Phase.STARTING || now == Phase.RUNNING
        ? HealthCheck.Result.up(text)
        : HealthCheck.Result.down(text);
  }
}
