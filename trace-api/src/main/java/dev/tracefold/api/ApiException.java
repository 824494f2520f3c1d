package dev.tracefold.api;

import com.linecorp.armeria.common.HttpStatus;
import java.util.Objects;

/**
 * A read API request cannot be served as asked: the status, a message saying what was wrong and
 * what to do, and the request parameter, path parameter, header or body field at fault (null when
 * none is). {@link ApiHandlers} renders it as {@code {"error": message, "parameter": name}}.
 */
final class ApiException extends RuntimeException {
  private final HttpStatus status;
  private final String parameter;

  ApiException(HttpStatus status, String parameter, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.status = Objects.requireNonNull(status, "status");
    this.parameter = parameter;
  }

  /** 400 naming the offending parameter. */
  static ApiException badRequest(String parameter, String message) {
    return new ApiException(HttpStatus.BAD_REQUEST, parameter, message);
  }

  /** 404. */
  static ApiException notFound(String message) {
    return new ApiException(HttpStatus.NOT_FOUND, null, message);
  }

  /** 404 for a trace the project does not have. */
  static ApiException traceNotFound(String projectId, String traceId) {
    return notFound("trace " + traceId + " not found in project " + projectId);
  }

  HttpStatus status() {
    return status;
  }

  /** The parameter at fault, or null. */
  String parameter() {
    return parameter;
  }
}
