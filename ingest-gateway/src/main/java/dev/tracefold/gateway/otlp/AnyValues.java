package dev.tracefold.gateway.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts OTLP attribute values to the values of Tracefold's Avro attribute maps: strings as
 * {@code String}, booleans as {@code Boolean}, integers as {@code Long}, doubles as {@code Double},
 * bytes as their base64 text, arrays and key-value lists as their JSON text ({@code ["a",1]},
 * {@code {"k":"v"}}), and an empty value as null. Stateless and thread-safe.
 */
final class AnyValues {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AnyValues() {}

  /**
   * Converts attributes to an insertion-ordered map; a repeated key keeps its last value.
   *
   * @return a new mutable map
   */
  static Map<String, Object> toMap(List<KeyValue> attributes) {
    Map<String, Object> map = new LinkedHashMap<>(Math.max(4, attributes.size() * 2));
    for (KeyValue attribute : attributes) {
      map.put(attribute.getKey(), toScalar(attribute.getValue()));
    }
    return map;
  }

  /** Converts one value (see the class comment). */
  static Object toScalar(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> value.getBoolValue();
      case INT_VALUE -> value.getIntValue();
      case DOUBLE_VALUE -> value.getDoubleValue();
      case BYTES_VALUE -> Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray());
      case ARRAY_VALUE, KVLIST_VALUE -> toJsonText(value);
      // STRING_VALUE_STRINDEX refers to a profiles dictionary that trace requests do not carry.
      case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> null;
    };
  }

  private static String toJsonText(AnyValue value) {
    try {
      return JSON.writeValueAsString(toJson(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("Cannot render an attribute value as JSON", e);
    }
  }

  private static JsonNode toJson(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> NODES.textNode(value.getStringValue());
      case BOOL_VALUE -> NODES.booleanNode(value.getBoolValue());
      case INT_VALUE -> NODES.numberNode(value.getIntValue());
      case DOUBLE_VALUE -> NODES.numberNode(value.getDoubleValue());
      case BYTES_VALUE ->
          NODES.textNode(Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> {
        ArrayNode array = NODES.arrayNode();
        value.getArrayValue().getValuesList().forEach(v -> array.add(toJson(v)));
        yield array;
      }
      case KVLIST_VALUE -> {
        ObjectNode object = NODES.objectNode();
        value
            .getKvlistValue()
            .getValuesList()
            .forEach(kv -> object.set(kv.getKey(), toJson(kv.getValue())));
        yield object;
      }
      case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> NODES.nullNode();
    };
  }
}
