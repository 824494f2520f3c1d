package dev.tracefold.gateway.nativejson;

import java.util.Objects;

/**
 * One problem with one trace of a request or upload; the trace is not stored (unless the rule is
 * {@code kafka_record_size}, which rejects a single span). Immutable.
 *
 * @param index 0-based position of the trace in the request (array element or JSONL line among the
 *     non-blank ones)
 * @param line 1-based line of the file where the trace starts
 * @param id the trace's {@code id} as given, or null when it could not be read
 * @param pointer JSON pointer (RFC 6901) of the offending value inside the trace; {@code ""} is the
 *     trace itself
 * @param rule what was broken: a JSON Schema keyword ({@code required}, {@code type}, {@code enum},
 *     {@code format}, ...) or one of {@code json} (not parseable), {@code timing} (ends before it
 *     starts), {@code unique} (span id used twice), {@code max_spans} (too many spans), {@code
 *     kafka_record_size} (a span too large for Kafka)
 * @param schemaPath for schema rules, the rule's location in the schema ({@code
 *     #/$defs/span/properties/kind/enum}); otherwise null
 * @param message what was wrong, for people
 */
record ItemError(
    int index,
    int line,
    String id,
    String pointer,
    String rule,
    String schemaPath,
    String message) {
  ItemError {
    Objects.requireNonNull(pointer, "pointer");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(message, "message");
  }
}
