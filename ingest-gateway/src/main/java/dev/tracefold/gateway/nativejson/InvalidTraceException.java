package dev.tracefold.gateway.nativejson;

/**
 * A native trace the converter cannot turn into spans, with where and why; the trace is not stored.
 */
final class InvalidTraceException extends RuntimeException {
  private final String pointer;
  private final String rule;

  /**
   * @param pointer JSON pointer of the offending value in the trace
   * @param rule the broken rule (see {@link ItemError#rule()})
   * @param message what was wrong
   */
  InvalidTraceException(String pointer, String rule, String message) {
    super(message);
    this.pointer = pointer;
    this.rule = rule;
  }

  String pointer() {
    return pointer;
  }

  String rule() {
    return rule;
  }
}
