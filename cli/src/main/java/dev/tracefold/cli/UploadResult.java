package dev.tracefold.cli;

import java.util.List;

/**
 * What the gateway answered for one uploaded file. Immutable.
 *
 * @param failure why the file as a whole was not stored (unreadable, unreachable gateway, refused
 *     request); null when the gateway processed it
 * @param traceIds ids of the stored traces
 * @param acceptedSpans spans Kafka acknowledged
 * @param errors problems the gateway listed, in file order
 * @param errorCount problems found in all (the gateway lists at most 1000)
 */
record UploadResult(
    String failure,
    List<String> traceIds,
    int acceptedSpans,
    List<Problem> errors,
    int errorCount) {
  UploadResult {
    traceIds = List.copyOf(traceIds);
    errors = List.copyOf(errors);
  }

  /** A file the gateway did not process. */
  static UploadResult failed(String failure) {
    return new UploadResult(failure, List.of(), 0, List.of(), 0);
  }

  /**
   * One problem with one trace of the file. Immutable.
   *
   * @param line 1-based line where the trace starts
   * @param pointer JSON pointer in the trace ({@code ""} for the trace itself)
   * @param rule the broken rule ({@code required}, {@code enum}, {@code json}, ...)
   * @param message what was wrong
   */
  record Problem(int line, String pointer, String rule, String message) {}
}
