package dev.tracefold.gateway.otlp;

import dev.tracefold.auth.ApiKeyAuthenticator;
import dev.tracefold.auth.AuthMetrics;
import dev.tracefold.auth.AuthOutcome;
import dev.tracefold.gateway.ingest.TransportMetrics;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every OTLP/gRPC call from its {@code authorization} metadata ({@code Bearer <key>})
 * with the gateway's {@link ApiKeyAuthenticator} and hands the key's project to the service through
 * {@link #PROJECT}. A refused call is closed ({@code UNAUTHENTICATED}, or {@code UNAVAILABLE} with
 * {@code RetryInfo} when the key store cannot be asked) before its message is read, and counted in
 * {@code tracefold_gateway_auth_failures_total{reason}} and in {@code
 * tracefold_gateway_requests_total{protocol="otlp-grpc"}} under 401 or 503. The verification is
 * usually a cache hit; otherwise this waits for it (at most {@value #AUTH_TIMEOUT_SECONDS} s) on
 * gRPC's call executor (a cached thread pool). Thread-safe.
 */
final class GrpcApiKeyInterceptor implements ServerInterceptor {
  /** The authenticated project of the current call. */
  static final Context.Key<String> PROJECT = Context.key("tracefold-project");

  /** Longest wait for a key verification (a database lookup when the key is not cached). */
  private static final long AUTH_TIMEOUT_SECONDS = 10;

  private static final Logger log = LoggerFactory.getLogger(GrpcApiKeyInterceptor.class);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ApiKeyAuthenticator authenticator;
  private final AuthMetrics authMetrics;
  private final TransportMetrics transport;

  GrpcApiKeyInterceptor(
      ApiKeyAuthenticator authenticator, AuthMetrics authMetrics, TransportMetrics transport) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.authMetrics = Objects.requireNonNull(authMetrics, "authMetrics");
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    AuthOutcome outcome = authenticate(headers.get(AUTHORIZATION));
    if (!outcome.isAuthenticated()) {
      authMetrics.refused(outcome.failure());
      transport.requestAnswered(outcome.failure().httpStatus());
      StatusRuntimeException refusal =
          outcome.failure() == AuthOutcome.Failure.UNAVAILABLE
              ? GrpcStatuses.unavailable(outcome.message())
              : Status.UNAUTHENTICATED.withDescription(outcome.message()).asRuntimeException();
      Metadata trailers = refusal.getTrailers() == null ? new Metadata() : refusal.getTrailers();
      call.close(refusal.getStatus(), trailers);
      return new ServerCall.Listener<>() {};
    }
    Context context = Context.current().withValue(PROJECT, outcome.projectId());
    return Contexts.interceptCall(context, call, headers, next);
  }

  private AuthOutcome authenticate(String authorization) {
    try {
      return authenticator.authenticate(authorization).get(AUTH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unverifiable(e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return unverifiable(e);
    }
  }

  private static AuthOutcome unverifiable(Exception e) {
    log.warn("Authentication of an OTLP/gRPC call failed unexpectedly", e);
    return AuthOutcome.refused(
        AuthOutcome.Failure.UNAVAILABLE,
        "cannot verify the API key now: the key store is unavailable; retry later");
  }
}
