package dev.tracefold.api;

import com.linecorp.armeria.server.ServiceRequestContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads and checks the parts of read API requests: query parameters, path ids. Every failure is a
 * 400 {@link ApiException} naming the parameter. Stateless and thread-safe.
 */
final class ApiRequests {
  /** Page size when {@code page_size} is absent. */
  static final int DEFAULT_PAGE_SIZE = 100;

  /** Largest {@code page_size}. */
  static final int MAX_PAGE_SIZE = 500;

  /** The paging parameters of listings without a cursor. */
  static final List<String> PAGE_PARAMETERS = List.of("page", "page_size");

  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-fA-F]{32}");

  private ApiRequests() {}

  /** The query parameters, each name with its values in request order. */
  static Map<String, List<String>> params(ServiceRequestContext ctx) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (String name : ctx.queryParams().names()) {
      params.put(name, new ArrayList<>(ctx.queryParams().getAll(name)));
    }
    return params;
  }

  /** Rejects every parameter not in {@code known}. */
  static void onlyKnown(Map<String, List<String>> params, Collection<String> known) {
    for (String name : new TreeSet<>(params.keySet())) {
      if (!known.contains(name)) {
        throw ApiException.badRequest(
            name,
            "unknown parameter '"
                + abbreviate(name)
                + "'"
                + (known.isEmpty()
                    ? "; this endpoint takes no parameters"
                    : "; known parameters: " + String.join(", ", known)));
      }
    }
  }

  /** The one value of a parameter, or null when absent. */
  static String single(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw ApiException.badRequest(
          name, name + " must be given once, got " + values.size() + " values");
    }
    return values.get(0);
  }

  /** An integer parameter within {@code [min, max]}, or the default when absent. */
  static int intParam(
      Map<String, List<String>> params, String name, int defaultValue, int min, int max) {
    String text = single(params, name);
    if (text == null) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    String range = max == Integer.MAX_VALUE ? ">= " + min : "between " + min + " and " + max;
    throw ApiException.badRequest(
        name, name + " must be an integer " + range + ", got '" + abbreviate(text) + "'");
  }

  /** The {@code page} parameter: 1-based, default 1. */
  static int page(Map<String, List<String>> params) {
    return intParam(params, "page", 1, 1, Integer.MAX_VALUE);
  }

  /**
   * The {@code page_size} parameter: 1 to {@value #MAX_PAGE_SIZE}, default {@value
   * #DEFAULT_PAGE_SIZE}.
   */
  static int pageSize(Map<String, List<String>> params) {
    return intParam(params, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
  }

  /** A path parameter that names something other than a trace: 1 to 200 characters. */
  static String pathText(ServiceRequestContext ctx, String name) {
    String value = ctx.pathParam(name);
    if (value == null || value.isEmpty() || value.length() > 200) {
      throw ApiException.badRequest(name, name + " must be 1 to 200 characters");
    }
    return value;
  }

  /** The {@code {id}} path parameter as a lowercase trace id (32 hex characters). */
  static String traceId(ServiceRequestContext ctx) {
    return traceId("id", ctx.pathParam("id"));
  }

  /** A trace id given as {@code name}, lower-cased. */
  static String traceId(String name, String value) {
    if (value == null || !TRACE_ID.matcher(value).matches()) {
      throw ApiException.badRequest(
          name,
          (name.equals("id") ? "trace id" : name)
              + " must be 32 hex characters, got '"
              + abbreviate(value == null ? "" : value)
              + "'");
    }
    return value.toLowerCase(Locale.ROOT);
  }

  static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }
}
