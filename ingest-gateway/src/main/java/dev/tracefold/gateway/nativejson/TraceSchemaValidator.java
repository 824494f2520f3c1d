package dev.tracefold.gateway.nativejson;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import dev.tracefold.schemas.json.TraceJsonSchema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validates native traces against the JSON Schema of {@code schemas} ({@link TraceJsonSchema},
 * draft 2020-12) with networknt json-schema-validator, format assertions on ({@code date-time} must
 * be RFC 3339). Each violation names the JSON pointer of the offending value, the schema keyword it
 * broke and the keyword's location in the schema.
 *
 * <p>Immutable and thread-safe (the compiled schema is shared).
 */
final class TraceSchemaValidator {
  private static final String SCHEMA_PREFIX = TraceJsonSchema.ID;

  private final Schema schema;

  TraceSchemaValidator() {
    SchemaRegistryConfig config =
        SchemaRegistryConfig.builder()
            .pathType(PathType.JSON_POINTER)
            .formatAssertionsEnabled(true)
            .build();
    SchemaRegistry registry =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12, builder -> builder.schemaRegistryConfig(config));
    JsonNode schemaNode = JsonMapper.shared().readTree(TraceJsonSchema.text());
    this.schema = registry.getSchema(SchemaLocation.of(TraceJsonSchema.ID), schemaNode);
    this.schema.initializeValidators();
  }

  /**
   * Validates one trace.
   *
   * @param index the trace's position in the request, copied into each error
   * @param line the line it starts on, copied into each error
   * @param id the trace's {@code id} as given, or null
   * @param trace the parsed trace
   * @return the violations ordered by pointer; empty when the trace is valid. A trace the validator
   *     fails on (it throws for some values, e.g. an integer-valued number beyond 64 bits such as
   *     {@code 1e300} where the schema wants an integer) has one violation of rule {@code schema}
   *     at its root
   */
  List<ItemError> validate(int index, int line, String id, JsonNode trace) {
    List<Error> errors;
    try {
      errors = schema.validate(trace);
    } catch (RuntimeException e) {
      // found by fuzzing: this was a 500 for the whole request
      return List.of(
          new ItemError(
              index,
              line,
              id,
              "",
              "schema",
              null,
              "the trace cannot be checked against the schema: " + e.getMessage()));
    }
    List<ItemError> violations = new ArrayList<>(errors.size());
    for (Error error : errors) {
      String pointer = error.getInstanceLocation().toString();
      violations.add(
          new ItemError(
              index,
              line,
              id,
              pointer,
              error.getKeyword(),
              schemaPath(error),
              message(pointer, error.getMessage())));
    }
    violations.sort(
        Comparator.comparing(ItemError::pointer)); // stable: keeps keyword order per value
    return violations;
  }

  /** The rule's location relative to the schema document, e.g. {@code #/$defs/span/required}. */
  private static String schemaPath(Error error) {
    String location = String.valueOf(error.getSchemaLocation());
    return location.startsWith(SCHEMA_PREFIX)
        ? location.substring(SCHEMA_PREFIX.length())
        : location;
  }

  /** The validator's message without the pointer it starts with (the pointer has its own field). */
  private static String message(String pointer, String message) {
    String prefix = pointer + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }
}
