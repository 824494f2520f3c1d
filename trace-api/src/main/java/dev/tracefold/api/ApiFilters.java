package dev.tracefold.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracefold.store.evaluation.TraceSelection;
import dev.tracefold.store.query.InvalidFilterException;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.query.TraceFilterParams;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads the trace selections of request bodies: the {@code filter} object of trace sets, evaluation
 * rules and annotation queues (the list parameters of {@code GET /api/v1/traces}, e.g. {@code
 * {"status": "ERROR", "tags": ["a", "b"]}}) and the {@code sampling_percent} of rules and queues.
 * Every failure is a 400 {@link ApiException} naming the field: {@code filter}, {@code
 * filter.<parameter>} or {@code sampling_percent}. Stateless and thread-safe.
 */
final class ApiFilters {
  static final String FILTER = "filter";
  static final String SAMPLING_PERCENT = "sampling_percent";

  private ApiFilters() {}

  /**
   * The filter object as list parameters: each field a string, a number, a boolean or an array of
   * them, every value kept as its text ({@code 2} becomes {@code "2"}, {@code 0.5} {@code "0.5"}).
   *
   * @param filter the {@code filter} field of the body (not null)
   * @param example a valid body, quoted when {@code filter} is not an object
   * @throws ApiException when {@code filter} is not an object or a field holds anything else
   */
  static SortedMap<String, List<String>> params(JsonNode filter, String example) {
    if (!filter.isObject()) {
      throw ApiException.badRequest(
          FILTER, "filter must be an object of list parameters; e.g. " + example);
    }
    SortedMap<String, List<String>> params = new TreeMap<>();
    filter
        .properties()
        .forEach(
            field -> {
              List<String> values = new ArrayList<>();
              JsonNode value = field.getValue();
              for (JsonNode item : value.isArray() ? value : List.of(value)) {
                if (!item.isTextual() && !item.isNumber() && !item.isBoolean()) {
                  throw ApiException.badRequest(
                      FILTER + "." + field.getKey(),
                      "filter."
                          + field.getKey()
                          + " must be a string, a number, a boolean or an array of them");
                }
                values.add(item.asText());
              }
              params.put(field.getKey(), values);
            });
    return params;
  }

  /**
   * Parses list parameters as a filter.
   *
   * @param now what {@code time_range} counts back from
   * @throws ApiException naming {@code filter.<parameter>} when a parameter is unknown or malformed
   */
  static TraceFilter parse(Map<String, List<String>> params, Instant now) {
    try {
      return TraceFilterParams.parse(params, now);
    } catch (InvalidFilterException e) {
      throw ApiException.badRequest(FILTER + "." + e.parameter(), e.getMessage());
    }
  }

  /**
   * The selection of an evaluation rule or annotation queue body: {@code filter} (absent or null:
   * {@code {}}, every trace), checked by parsing it at {@code now} but kept as given so that a
   * relative {@code time_range} stays relative; and {@code sampling_percent} (a number from 0 to
   * 100, fractions allowed; absent or null: 100).
   *
   * @param example a valid body, quoted when {@code filter} is not an object
   * @throws ApiException naming {@code filter}, {@code filter.<parameter>} or {@code
   *     sampling_percent}
   */
  static TraceSelection selection(ObjectNode body, Instant now, String example) {
    JsonNode filter = body.get(FILTER);
    SortedMap<String, List<String>> params =
        filter == null || filter.isNull() ? new TreeMap<>() : params(filter, example);
    parse(params, now);
    JsonNode sampling = body.get(SAMPLING_PERCENT);
    double percent = 100;
    if (sampling != null && !sampling.isNull()) {
      if (!sampling.isNumber() || !(sampling.asDouble() >= 0 && sampling.asDouble() <= 100)) {
        throw ApiException.badRequest(
            SAMPLING_PERCENT,
            "sampling_percent must be a number from 0 to 100, got "
                + ApiRequests.abbreviate(sampling.toString()));
      }
      percent = sampling.asDouble();
    }
    return new TraceSelection(params, percent);
  }

  /**
   * Adds a selection to a rule's or queue's JSON: {@code "filter": {"<parameter>": ["<value>",
   * ...]}, "sampling_percent": <number>}.
   */
  static void put(ObjectNode json, TraceSelection selection) {
    ObjectNode filter = json.putObject(FILTER);
    selection
        .filterParams()
        .forEach(
            (name, values) -> {
              ArrayNode array = filter.putArray(name);
              values.forEach(array::add);
            });
    json.put(SAMPLING_PERCENT, selection.samplingPercent());
  }
}
