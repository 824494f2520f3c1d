package dev.tracefold.gateway.ingest;

import java.util.regex.Pattern;

/**
 * Which project a request belongs to. Until authentication exists, it is the {@value #HEADER}
 * request header when present, else {@value #DEFAULT}. Stateless and thread-safe.
 */
public final class ProjectIds {
  /** The request header naming the project. */
  public static final String HEADER = "x-tracefold-project";

  /** The project of requests without the header. */
  public static final String DEFAULT = "default";

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private ProjectIds() {}

  /**
   * Resolves the project of a request.
   *
   * @param headerValue the {@value #HEADER} header, or null when absent
   * @return the project id; {@value #DEFAULT} when the header is absent
   * @throws IllegalArgumentException naming the header and the allowed form, if the value does not
   *     match {@code [A-Za-z0-9_.-]{1,64}}
   */
  public static String resolve(String headerValue) {
    if (headerValue == null) {
      return DEFAULT;
    }
    if (!VALID.matcher(headerValue).matches()) {
      throw new IllegalArgumentException(
          "header "
              + HEADER
              + " must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' or '-', got '"
              + (headerValue.length() > 80 ? headerValue.substring(0, 80) + "..." : headerValue)
              + "'");
    }
    return headerValue;
  }
}
