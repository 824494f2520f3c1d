package dev.tracefold.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * Reads and checks JSON request bodies of the read API. Every failure is a 400 {@link ApiException}
 * naming the field ({@code body} for the body as a whole). Stateless and thread-safe.
 */
final class ApiBodies {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ApiBodies() {}

  /**
   * The body as a JSON object holding no fields but {@code known}.
   *
   * @param example a valid body, quoted in the error message when the body is not an object
   */
  static ObjectNode object(
      AggregatedHttpRequest request, Collection<String> known, String example) {
    String text = request.contentUtf8();
    JsonNode body;
    try {
      body = text.isBlank() ? null : JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(
          "body", "body is not valid JSON (" + e.getOriginalMessage() + "); send e.g. " + example);
    }
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest("body", "body must be a JSON object such as " + example);
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw ApiException.badRequest(
            name,
            "unknown field '"
                + ApiRequests.abbreviate(name)
                + "'; known fields: "
                + String.join(", ", known));
      }
    }
    return (ObjectNode) body;
  }

  /**
   * A string field, trimmed; null when absent or null and not required.
   *
   * @throws ApiException when required and missing, not a string, empty, or too long
   */
  static String text(ObjectNode body, String name, boolean required, int maxLength) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      if (required) {
        throw ApiException.badRequest(name, name + " is required");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw ApiException.badRequest(
          name,
          name
              + " must be a string, got "
              + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    return checked(name, value.asText().trim(), maxLength);
  }

  /** A finite number field; null when absent or null. */
  static Double number(ObjectNode body, String name) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
      throw ApiException.badRequest(
          name, name + " must be a number, got " + ApiRequests.abbreviate(value.toString()));
    }
    return value.asDouble();
  }

  /**
   * A boolean field; {@code defaultValue} when absent or null.
   *
   * @throws ApiException when not a boolean
   */
  static boolean bool(ObjectNode body, String name, boolean defaultValue) {
    Boolean value = bool(body, name);
    return value == null ? defaultValue : value;
  }

  /**
   * A boolean field; null when absent or null.
   *
   * @throws ApiException when not a boolean
   */
  static Boolean bool(ObjectNode body, String name) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isBoolean()) {
      throw ApiException.badRequest(
          name, name + " must be true or false, got " + ApiRequests.abbreviate(value.toString()));
    }
    return value.booleanValue();
  }

  /**
   * A whole-number field within {@code [min, max]}; null when absent or null.
   *
   * @throws ApiException when not a whole number (JSON {@code 2.0} is not one) or out of bounds
   */
  static Long wholeNumber(ObjectNode body, String name, long min, long max) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber()
        || !value.canConvertToLong()
        || value.asLong() < min
        || value.asLong() > max) {
      throw ApiException.badRequest(
          name,
          name
              + " must be a whole number between "
              + min
              + " and "
              + max
              + ", got "
              + ApiRequests.abbreviate(value.toString()));
    }
    return value.asLong();
  }

  /**
   * A required array of strings, each trimmed, non-empty and at most {@code maxLength} long.
   *
   * @throws ApiException when missing, not an array of strings, or out of bounds
   */
  static List<String> strings(ObjectNode body, String name, int maxItems, int maxLength) {
    JsonNode value = body.get(name);
    if (value == null || !value.isArray()) {
      throw ApiException.badRequest(name, name + " must be an array of strings");
    }
    if (value.size() > maxItems) {
      throw ApiException.badRequest(
          name, name + " has " + value.size() + " items; at most " + maxItems + " allowed");
    }
    List<String> strings = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw ApiException.badRequest(name, name + " must be an array of strings");
      }
      strings.add(checked(name, item.asText().trim(), maxLength));
    }
    return strings;
  }

  private static String checked(String name, String value, int maxLength) {
    if (value.isEmpty()) {
      throw ApiException.badRequest(name, name + " must not be empty");
    }
    if (value.length() > maxLength) {
      throw ApiException.badRequest(
          name,
          name + " is " + value.length() + " characters long; at most " + maxLength + " allowed");
    }
    return value;
  }
}
