package dev.tracefold.gateway.otlp;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import dev.tracefold.gateway.auth.ApiKeyAuthenticator;
import dev.tracefold.gateway.auth.AuthOutcome;
import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ingest.IngestMetrics;
import dev.tracefold.gateway.ingest.IngestResult;
import dev.tracefold.gateway.ingest.IngestUnavailableException;
import dev.tracefold.gateway.ingest.NormalizedBatch;
import dev.tracefold.gateway.ingest.SpanIngester;
import dev.tracefold.gateway.ingest.TooManySpansException;
import dev.tracefold.gateway.ratelimit.ProjectRateLimiter;
import dev.tracefold.gateway.ratelimit.RateLimitedException;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/gRPC trace receiver: {@code opentelemetry.proto.collector.trace.v1.TraceService/Export}
 * (OTLP specification, "OTLP/gRPC"), ending in the same {@link SpanNormalizer} and {@link
 * SpanIngester} as OTLP/HTTP.
 *
 * <ul>
 *   <li>{@code OK} with an empty {@code ExportTraceServiceResponse}, only after Kafka acknowledged
 *       every span; with {@code partial_success} ({@code rejected_spans}, {@code error_message})
 *       when some spans were invalid and the rest accepted.
 *   <li>{@code UNAUTHENTICATED} when the {@code authorization} metadata is missing, not {@code
 *       Bearer <key>}, or names an unknown or revoked key ({@link ApiKeyAuthenticator}); the
 *       message is not read. {@code UNAVAILABLE} (with {@code RetryInfo}) when the key store
 *       cannot be asked for a key never verified before.
 *   <li>{@code INVALID_ARGUMENT} when the message is not a valid protobuf {@code
 *       ExportTraceServiceRequest}, or the request carries more spans than {@link
 *       IngestLimits#maxSpansPerRequest()}; nothing is produced.
 *   <li>{@code RESOURCE_EXHAUSTED} with a {@code google.rpc.RetryInfo} detail (the seconds until
 *       the request would be admitted) when the key's project is over its {@link
 *       ProjectRateLimiter rate limit}; nothing is produced.
 *   <li>{@code UNAVAILABLE} with a {@code google.rpc.RetryInfo} detail (retry delay {@value
 *       OtlpHttpService#RETRY_AFTER_SECONDS} s) when Kafka did not acknowledge in time.
 *   <li>{@code RESOURCE_EXHAUSTED} (gRPC's own status and description) when the message exceeds the
 *       server's {@code maxInboundMessageSize}, as sent or after decompression.
 * </ul>
 *
 * <p>The request message is parsed here rather than by gRPC's protobuf marshaller, so that an
 * undecodable message is answered {@code INVALID_ARGUMENT} (the marshaller would answer {@code
 * INTERNAL}). {@code grpc-encoding: gzip} is undone by gRPC. {@code requests_total} counts each
 * call under {@code protocol="otlp-grpc"} with the HTTP status the same outcome gets over OTLP/HTTP
 * (200, 400, 401, 413, 429, 503, 500).
 *
 * <p>The project is the one the call's API key belongs to: an interceptor authenticates every call
 * from its {@code authorization} metadata ({@code Bearer <key>}) before the message is read.
 *
 * <p>Thread-safe.
 */
public final class OtlpGrpcService {
  /** Span source and metric protocol of this transport. */
  public static final String PROTOCOL = "otlp-grpc";

  private static final Logger log = LoggerFactory.getLogger(OtlpGrpcService.class);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> PROJECT = Context.key("tracefold-project");

  /** Longest wait for a key verification (a database lookup when the key is not cached). */
  private static final long AUTH_TIMEOUT_SECONDS = 10;

  /** {@code TraceService/Export} with the request left as bytes (parsed by {@link #export}). */
  static final MethodDescriptor<RequestMessage, ExportTraceServiceResponse> EXPORT =
      MethodDescriptor.<RequestMessage, ExportTraceServiceResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(TraceServiceGrpc.getExportMethod().getFullMethodName())
          .setRequestMarshaller(new BytesMarshaller())
          .setResponseMarshaller(
              ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
          .build();

  private final SpanIngester ingester;
  private final SpanNormalizer normalizer;
  private final IngestMetrics metrics;
  private final ApiKeyAuthenticator authenticator;
  private final ProjectRateLimiter rateLimiter;
  private final IngestLimits limits;

  /**
   * @param ingester where every decoded batch goes
   * @param normalizer validates and normalises the request's spans
   * @param metrics counts requests by (HTTP-equivalent) status
   * @param authenticator checks the {@code authorization} metadata of every call
   * @param rateLimiter the per-project limits; charged the request's spans (valid and invalid) and
   *     decompressed message bytes after decoding, before anything is produced
   * @param limits spans per request
   */
  public OtlpGrpcService(
      SpanIngester ingester,
      SpanNormalizer normalizer,
      IngestMetrics metrics,
      ApiKeyAuthenticator authenticator,
      ProjectRateLimiter rateLimiter,
      IngestLimits limits) {
    this.ingester = Objects.requireNonNull(ingester, "ingester");
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** The service definition to add to a gRPC server. */
  public ServerServiceDefinition definition() {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(TraceServiceGrpc.SERVICE_NAME)
            .addMethod(EXPORT, ServerCalls.asyncUnaryCall(this::export))
            .build();
    return ServerInterceptors.intercept(service, new ApiKeyInterceptor());
  }

  private void export(RequestMessage message, StreamObserver<ExportTraceServiceResponse> observer) {
    if (message.unreadable() != null) {
      metrics.request(PROTOCOL, 413);
      fail(observer, message.unreadable());
      return;
    }
    NormalizedBatch batch;
    try {
      String projectId = PROJECT.get();
      ExportTraceServiceRequest request = parse(message.bytes());
      limits.checkSpansPerRequest(ExportRequests.spanCount(request));
      batch = normalizer.normalize(projectId, PROTOCOL, request);
      rateLimiter.acquire(projectId, batch.totalSpans(), message.bytes().length);
    } catch (RateLimitedException e) {
      metrics.request(PROTOCOL, 429);
      metrics.rateLimited(PROTOCOL);
      fail(observer, withRetry(Code.RESOURCE_EXHAUSTED_VALUE, e.getMessage(), e.retryAfterSeconds()));
      return;
    } catch (TooManySpansException e) {
      refuse(observer, 413, e.getMessage());
      return;
    } catch (IllegalArgumentException e) {
      refuse(observer, 400, e.getMessage());
      return;
    }
    ingester
        .ingest(PROTOCOL, batch)
        .whenComplete((result, error) -> respond(observer, result, error));
  }

  private static ExportTraceServiceRequest parse(byte[] message) {
    try {
      return ExportTraceServiceRequest.parseFrom(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "message is not a valid protobuf ExportTraceServiceRequest: " + e.getMessage(), e);
    }
  }

  private void respond(
      StreamObserver<ExportTraceServiceResponse> observer, IngestResult result, Throwable error) {
    if (error == null) {
      metrics.request(PROTOCOL, 200);
      send(observer, ExportRequests.response(result));
      return;
    }
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof IngestUnavailableException) {
      metrics.request(PROTOCOL, 503);
      fail(observer, unavailable(cause.getMessage() + "; retry later"));
      return;
    }
    log.error("Unexpected failure while ingesting an OTLP/gRPC request", cause);
    metrics.request(PROTOCOL, 500);
    fail(
        observer,
        Status.INTERNAL
            .withDescription("internal error: " + cause.getClass().getSimpleName())
            .asRuntimeException());
  }

  /** {@code UNAVAILABLE} with a {@code RetryInfo} detail, as the OTLP specification asks. */
  static StatusRuntimeException unavailable(String message) {
    return withRetry(Code.UNAVAILABLE_VALUE, message, OtlpHttpService.RETRY_AFTER_SECONDS);
  }

  /** A status with a {@code google.rpc.RetryInfo} detail of {@code retryAfterSeconds}. */
  static StatusRuntimeException withRetry(int code, String message, long retryAfterSeconds) {
    RetryInfo retry =
        RetryInfo.newBuilder()
            .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(retryAfterSeconds))
            .build();
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(code)
            .setMessage(message)
            .addDetails(Any.pack(retry))
            .build());
  }

  private void refuse(
      StreamObserver<ExportTraceServiceResponse> observer, int httpStatus, String message) {
    metrics.request(PROTOCOL, httpStatus);
    fail(observer, Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException());
  }

  private static void send(
      StreamObserver<ExportTraceServiceResponse> observer, ExportTraceServiceResponse response) {
    try {
      observer.onNext(response);
      observer.onCompleted();
    } catch (StatusRuntimeException | IllegalStateException e) {
      log.debug("OTLP/gRPC call ended before its answer was sent", e); // cancelled by the client
    }
  }

  private static void fail(
      StreamObserver<ExportTraceServiceResponse> observer, StatusRuntimeException status) {
    try {
      observer.onError(status);
    } catch (StatusRuntimeException | IllegalStateException e) {
      log.debug("OTLP/gRPC call ended before its answer was sent", e);
    }
  }

  /**
   * Authenticates every call from its {@code authorization} metadata with the gateway's {@link
   * ApiKeyAuthenticator} and hands the key's project to {@link #export} through the context; a
   * refused call is closed ({@code UNAUTHENTICATED}, or {@code UNAVAILABLE} with {@code RetryInfo}
   * when the key store cannot be asked) before its message is read. The verification is usually a
   * cache hit; otherwise this waits for it on gRPC's call executor (a cached thread pool).
   */
  private final class ApiKeyInterceptor implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      AuthOutcome outcome = authenticate(headers.get(AUTHORIZATION));
      if (!outcome.isAuthenticated()) {
        metrics.authFailure(outcome.failure().label());
        metrics.request(PROTOCOL, outcome.failure().httpStatus());
        StatusRuntimeException refusal =
            outcome.failure() == AuthOutcome.Failure.UNAVAILABLE
                ? unavailable(outcome.message())
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
        return authenticator
            .authenticate(authorization)
            .get(AUTH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return unverifiable(e);
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        return unverifiable(e);
      }
    }

    private AuthOutcome unverifiable(Exception e) {
      log.warn("Authentication of an OTLP/gRPC call failed unexpectedly", e);
      return AuthOutcome.refused(
          AuthOutcome.Failure.UNAVAILABLE,
          "cannot verify the API key now: the key store is unavailable; retry later");
    }
  }

  /**
   * A request message as bytes, or the error gRPC raised while reading it (a message above {@code
   * maxInboundMessageSize} once decompressed). An error thrown by a marshaller would reach the
   * client as {@code UNKNOWN}, so it is carried to {@link #export} instead.
   */
  record RequestMessage(byte[] bytes, StatusRuntimeException unreadable) {}

  /** Reads the message bytes; gRPC bounds their size by {@code maxInboundMessageSize}. */
  private static final class BytesMarshaller
      implements MethodDescriptor.Marshaller<RequestMessage> {
    @Override
    public InputStream stream(RequestMessage value) {
      return new ByteArrayInputStream(value.bytes());
    }

    @Override
    public RequestMessage parse(InputStream stream) {
      try (stream) {
        return new RequestMessage(stream.readAllBytes(), null);
      } catch (StatusRuntimeException e) {
        return new RequestMessage(null, e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
