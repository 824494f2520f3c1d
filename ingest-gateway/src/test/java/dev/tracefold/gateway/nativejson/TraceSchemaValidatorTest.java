package dev.tracefold.gateway.nativejson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class TraceSchemaValidatorTest {
  private static final TraceSchemaValidator VALIDATOR = new TraceSchemaValidator();

  private static List<ItemError> validate(String json) {
    JsonNode trace = JsonMapper.shared().readTree(json);
    return VALIDATOR.validate(2, 7, "t-1", trace);
  }

  @Test
  void acceptsAFullTrace() {
    assertThat(
            validate(
                """
                {"id": "t-1", "name": "support run", "inputs": {"q": "hi"}, "outputs": "done",
                 "started_at": "2025-03-01T10:00:00Z", "duration_ms": 1500.5,
                 "tags": ["prod"], "metadata": {"team": "x"}, "session_id": "s", "user_id": null,
                 "error": null, "custom": [1, 2],
                 "spans": [{"name": "plan", "kind": "chain", "started_at": "2025-03-01T10:00:00.1+01:00",
                   "spans": [{"id": "c1", "name": "chat", "kind": "llm", "model": "gpt-4o",
                     "provider": "openai", "input_tokens": 10, "output_tokens": 0, "cost": 0.0021,
                     "input": [{"role": "user"}], "output": "hello", "error": {"message": "x"},
                     "ended_at": "2025-03-01T10:00:01Z", "attributes": {"k": 1}}]}]}
                """))
        .isEmpty();
  }

  @Test
  void refusesWhatIsNotAnObject() {
    assertThat(validate("[1]"))
        .extracting(ItemError::pointer, ItemError::rule, ItemError::message)
        .containsExactly(tuple("", "type", "array found, object expected"));
  }

  @Test
  void namesThePointerTheRuleAndTheSchemaPath() {
    List<ItemError> errors =
        validate(
            """
            {"name": "", "spans": [{"name": "ok", "spans": [{"kind": "agent", "input_tokens": -1,
              "started_at": "yesterday"}]}]}
            """);

    assertThat(errors)
        .extracting(ItemError::pointer, ItemError::rule, ItemError::schemaPath, ItemError::message)
        .containsExactly(
            tuple("", "required", "#/required", "required property 'id' not found"),
            tuple(
                "/name",
                "minLength",
                "#/$defs/name/minLength",
                "must be at least 1 characters long"),
            tuple(
                "/spans/0/spans/0",
                "required",
                "#/$defs/span/required",
                "required property 'name' not found"),
            tuple(
                "/spans/0/spans/0/input_tokens",
                "minimum",
                "#/$defs/tokens/minimum",
                "must have a minimum value of 0"),
            tuple(
                "/spans/0/spans/0/kind",
                "enum",
                "#/$defs/span/properties/kind/enum",
                "does not have a value in the enumeration [\"llm\", \"tool\", \"retrieval\","
                    + " \"chain\", \"other\"]"),
            tuple(
                "/spans/0/spans/0/started_at",
                "format",
                "#/$defs/timestamp/format",
                "does not match the date-time pattern must be a valid RFC 3339 date-time"));
    assertThat(errors)
        .allSatisfy(
            e -> {
              assertThat(e.index()).isEqualTo(2);
              assertThat(e.line()).isEqualTo(7);
              assertThat(e.id()).isEqualTo("t-1");
            });
  }
}
