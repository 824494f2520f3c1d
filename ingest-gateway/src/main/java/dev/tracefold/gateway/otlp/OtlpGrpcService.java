package dev.tracefold.gateway.otlp;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ingest.IngestMetrics;
import dev.tracefold.gateway.ingest.IngestResult;
import dev.tracefold.gateway.ingest.IngestUnavailableException;
import dev.tracefold.gateway.ingest.NormalizedBatch;
import dev.tracefold.gateway.ingest.ProjectIds;
import dev.tracefold.gateway.ingest.SpanIngester;
import dev.tracefold.gateway.ingest.TooManySpansException;
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
 *   <li>{@code INVALID_ARGUMENT} when the message is not a valid protobuf {@code
 *       ExportTraceServiceRequest}, the {@value ProjectIds#HEADER} metadata is malformed, or the
 *       request carries more spans than {@link IngestLimits#maxSpansPerRequest()}; nothing is
 *       produced.
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
 * (200, 400, 413, 503, 500).
 *
 * <p>Thread-safe.
 */
public final class OtlpGrpcService {
  /** Span source and metric protocol of this transport. */
  public static final String PROTOCOL = "otlp-grpc";

  private static final Logger log = LoggerFactory.getLogger(OtlpGrpcService.class);
  private static final Metadata.Key<String> PROJECT_METADATA =
      Metadata.Key.of(ProjectIds.HEADER, Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> PROJECT_HEADER = Context.key(ProjectIds.HEADER);

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
  private final IngestLimits limits;

  /**
   * @param ingester where every decoded batch goes
   * @param normalizer validates and normalises the request's spans
   * @param metrics counts requests by (HTTP-equivalent) status
   * @param limits spans per request
   */
  public OtlpGrpcService(
      SpanIngester ingester,
      SpanNormalizer normalizer,
      IngestMetrics metrics,
      IngestLimits limits) {
    this.ingester = Objects.requireNonNull(ingester, "ingester");
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** The service definition to add to a gRPC server. */
  public ServerServiceDefinition definition() {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(TraceServiceGrpc.SERVICE_NAME)
            .addMethod(EXPORT, ServerCalls.asyncUnaryCall(this::export))
            .build();
    return ServerInterceptors.intercept(service, new ProjectHeaderInterceptor());
  }

  private void export(RequestMessage message, StreamObserver<ExportTraceServiceResponse> observer) {
    if (message.unreadable() != null) {
      metrics.request(PROTOCOL, 413);
      fail(observer, message.unreadable());
      return;
    }
    NormalizedBatch batch;
    try {
      String projectId = ProjectIds.resolve(PROJECT_HEADER.get());
      ExportTraceServiceRequest request = parse(message.bytes());
      limits.checkSpansPerRequest(ExportRequests.spanCount(request));
      batch = normalizer.normalize(projectId, PROTOCOL, request);
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
    RetryInfo retry =
        RetryInfo.newBuilder()
            .setRetryDelay(
                com.google.protobuf.Duration.newBuilder()
                    .setSeconds(OtlpHttpService.RETRY_AFTER_SECONDS))
            .build();
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.UNAVAILABLE_VALUE)
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

  /** Hands the {@value ProjectIds#HEADER} metadata to {@link #export} through the context. */
  private static final class ProjectHeaderInterceptor implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      Context context = Context.current().withValue(PROJECT_HEADER, headers.get(PROJECT_METADATA));
      return Contexts.interceptCall(context, call, headers, next);
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
