package dev.tracefold.auth;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;
import com.linecorp.armeria.server.auth.AbstractAuthorizerWithHandlers;
import com.linecorp.armeria.server.auth.AuthService;
import com.linecorp.armeria.server.auth.AuthorizationStatus;
import dev.tracefold.auth.AuthOutcome.Failure;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Armeria decorator that puts every service of a server behind API keys, except the open paths
 * ({@code /health} and {@code /metrics}). Built on Armeria's {@link AuthService}; the key is
 * checked by an {@link ApiKeyAuthenticator} and the project is recorded with {@link
 * AuthenticatedProject#set} before the service runs. Install it once per server: {@code
 * serverBuilder.decorator(ApiKeyAuthService.decorator(...))}; services added later (OTLP/gRPC,
 * native JSON) are covered too.
 *
 * <p>Refusals:
 *
 * <ul>
 *   <li>401 with {@code WWW-Authenticate: Bearer realm="tracefold"} (plus {@code
 *       error="invalid_token"} for a bad key, RFC 6750 §3) when the key is missing, malformed,
 *       unknown or revoked; 503 with {@code Retry-After: 5} when the key store cannot be asked.
 *   <li>The body comes from the server's {@link ErrorRenderer}: {@code google.rpc.Status} for
 *       OTLP/HTTP, {@code {"error": ...}} for the API. A gRPC request ({@code Content-Type:
 *       application/grpc...}) gets a trailers-only gRPC answer instead: {@code grpc-status} 16
 *       ({@code UNAUTHENTICATED}) or 14 ({@code UNAVAILABLE}) with {@code grpc-message}.
 * </ul>
 *
 * <p>Refusals are counted in {@code tracefold_gateway_auth_failures_total{reason}} ({@link
 * AuthMetrics}). Thread-safe.
 */
public final class ApiKeyAuthService {
  /** Paths served without a key. */
  public static final Set<String> OPEN_PATHS = Set.of("/health", "/metrics");

  /** {@code Retry-After} of 503 answers, in seconds. */
  static final int RETRY_AFTER_SECONDS = 5;

  private static final Logger log = LoggerFactory.getLogger(ApiKeyAuthService.class);

  /** Renders the body of a refusal in a server's own error format. */
  @FunctionalInterface
  public interface ErrorRenderer {
    /**
     * @param headers the refused request's headers (e.g. to answer in its content type)
     * @param status 401 or 503
     * @param message what the client is told
     */
    HttpResponse render(RequestHeaders headers, HttpStatus status, String message);
  }

  private ApiKeyAuthService() {}

  /**
   * The decorator for one server, counting refusals on {@code registry}; same as {@link
   * #decorator(ApiKeyAuthenticator, ErrorRenderer, AuthMetrics)} with a new {@link AuthMetrics}.
   */
  public static Function<? super HttpService, ? extends HttpService> decorator(
      ApiKeyAuthenticator authenticator, ErrorRenderer renderer, MeterRegistry registry) {
    return decorator(authenticator, renderer, new AuthMetrics(registry));
  }

  /**
   * The decorator for one server whose only open paths are {@link #OPEN_PATHS}; same as {@link
   * #decorator(ApiKeyAuthenticator, ErrorRenderer, AuthMetrics, Predicate)} with no other.
   */
  public static Function<? super HttpService, ? extends HttpService> decorator(
      ApiKeyAuthenticator authenticator, ErrorRenderer renderer, AuthMetrics metrics) {
    return decorator(authenticator, renderer, metrics, path -> false);
  }

  /**
   * The decorator for one server.
   *
   * @param authenticator checks the keys
   * @param renderer renders refusals in the server's error format
   * @param metrics counts refusals ({@code tracefold_gateway_auth_failures_total})
   * @param alsoOpen request paths (decoded, without the query) served without a key besides {@link
   *     #OPEN_PATHS}: the web console's pages and assets, which hold no data
   */
  public static Function<? super HttpService, ? extends HttpService> decorator(
      ApiKeyAuthenticator authenticator,
      ErrorRenderer renderer,
      AuthMetrics metrics,
      Predicate<String> alsoOpen) {
    Objects.requireNonNull(alsoOpen, "alsoOpen");
    Objects.requireNonNull(authenticator, "authenticator");
    Objects.requireNonNull(renderer, "renderer");
    Objects.requireNonNull(metrics, "metrics");
    Function<? super HttpService, AuthService> auth =
        AuthService.builder()
            .add(new KeyAuthorizer(authenticator, renderer, metrics))
            .onFailure(
                (delegate, ctx, req, cause) -> {
                  log.warn("Authentication of {} failed unexpectedly", ctx.path(), cause);
                  return refuse(
                      req.headers(),
                      AuthOutcome.refused(
                          Failure.UNAVAILABLE, ApiKeyAuthenticator.UNAVAILABLE_MESSAGE),
                      renderer,
                      metrics);
                })
            .newDecorator();
    Predicate<String> open = path -> OPEN_PATHS.contains(path) || alsoOpen.test(path);
    return delegate -> new OpenPathsBypass(delegate, auth.apply(delegate), open);
  }

  private static HttpResponse refuse(
      RequestHeaders headers, AuthOutcome outcome, ErrorRenderer renderer, AuthMetrics metrics) {
    Failure failure = outcome.failure();
    metrics.refused(failure);
    if (isGrpc(headers)) {
      return grpcRefusal(headers, failure, outcome.message());
    }
    HttpStatus status = HttpStatus.valueOf(failure.httpStatus());
    HttpResponse body = renderer.render(headers, status, outcome.message());
    return body.mapHeaders(
        responseHeaders -> {
          var builder = responseHeaders.toBuilder();
          if (failure == Failure.UNAVAILABLE) {
            builder.set(HttpHeaderNames.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
          } else {
            builder.set(HttpHeaderNames.WWW_AUTHENTICATE, challenge(failure));
          }
          return builder.build();
        });
  }

  /** The {@code WWW-Authenticate} challenge of RFC 6750 §3. */
  static String challenge(Failure failure) {
    return failure == Failure.MISSING
        ? "Bearer realm=\"tracefold\""
        : "Bearer realm=\"tracefold\", error=\"invalid_token\"";
  }

  private static boolean isGrpc(RequestHeaders headers) {
    MediaType type = headers.contentType();
    return type != null
        && type.type().equalsIgnoreCase("application")
        && type.subtype().toLowerCase(Locale.ROOT).startsWith("grpc");
  }

  /** A trailers-only gRPC answer (gRPC over HTTP/2 protocol: HTTP 200, status in headers). */
  private static HttpResponse grpcRefusal(RequestHeaders request, Failure failure, String message) {
    int code = failure == Failure.UNAVAILABLE ? 14 : 16;
    return HttpResponse.of(
        ResponseHeaders.builder(HttpStatus.OK)
            .contentType(request.contentType())
            .set("grpc-status", Integer.toString(code))
            .set("grpc-message", percentEncode(message))
            .build());
  }

  /** gRPC's {@code grpc-message} encoding: bytes outside printable ASCII and '%' as %XX. */
  static String percentEncode(String message) {
    StringBuilder out = new StringBuilder(message.length());
    for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 0x20 && c <= 0x7e && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  /** Runs the authenticator; success records the project, failure renders the refusal. */
  private static final class KeyAuthorizer extends AbstractAuthorizerWithHandlers<HttpRequest> {
    private final ApiKeyAuthenticator authenticator;
    private final ErrorRenderer renderer;
    private final AuthMetrics metrics;

    KeyAuthorizer(ApiKeyAuthenticator authenticator, ErrorRenderer renderer, AuthMetrics metrics) {
      this.authenticator = authenticator;
      this.renderer = renderer;
      this.metrics = metrics;
    }

    @Override
    public CompletionStage<AuthorizationStatus> authorizeAndSupplyHandlers(
        ServiceRequestContext ctx, HttpRequest req) {
      return authenticator
          .authenticate(req.headers().get(HttpHeaderNames.AUTHORIZATION))
          .thenApply(
              outcome -> {
                if (outcome.isAuthenticated()) {
                  AuthenticatedProject.set(ctx, outcome.projectId());
                  return AuthorizationStatus.ofSuccess();
                }
                return AuthorizationStatus.ofFailure(
                    (delegate, c, r, cause) -> refuse(r.headers(), outcome, renderer, metrics));
              });
    }
  }

  /**
   * Serves the open paths straight from the undecorated service and everything else through the
   * {@link AuthService} (which is this decorator's delegate, so Armeria's lifecycle callbacks reach
   * it).
   */
  private static final class OpenPathsBypass extends SimpleDecoratingHttpService {
    private final HttpService undecorated;
    private final Predicate<String> open;

    OpenPathsBypass(HttpService undecorated, HttpService secured, Predicate<String> open) {
      super(secured);
      this.undecorated = undecorated;
      this.open = open;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
      HttpService target = open.test(ctx.path()) ? undecorated : (HttpService) unwrap();
      return target.serve(ctx, req);
    }
  }
}
