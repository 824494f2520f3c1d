package dev.tracefold.gateway.ingest;

import java.util.concurrent.CompletionException;

/** Helpers for the failures of {@code CompletableFuture} chains. Stateless and thread-safe. */
public final class Completions {
  private Completions() {}

  /**
   * The failure a future chain reports, without the {@link CompletionException}s that wrap it on
   * its way through dependent stages.
   *
   * @param error a failure as a stage saw it
   * @return its first cause that is not a {@code CompletionException} (with a cause), or {@code
   *     error} itself
   */
  public static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while (current instanceof CompletionException && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
