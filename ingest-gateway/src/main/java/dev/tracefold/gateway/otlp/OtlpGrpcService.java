package dev.tracefold.gateway.otlp;

import dev.tracefold.auth.ApiKeyAuthenticator;
import dev.tracefold.auth.AuthMetrics;
import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ingest.IngestMetrics;
import dev.tracefold.gateway.ingest.IngestOutcome;
import dev.tracefold.gateway.ingest.IngestPipeline;
import dev.tracefold.gateway.ingest.IngestRequest;
import dev.tracefold.gateway.ingest.TransportMetrics;
import dev.tracefold.gateway.ratelimit.ProjectRateLimiter;
import io.grpc.MethodDescriptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/gRPC trace receiver: {@code opentelemetry.proto.collector.trace.v1.TraceService/Export}
 * (OTLP specification, "OTLP/gRPC"), ending in the same {@link IngestPipeline} (and {@link
 * SpanNormalizer}) as OTLP/HTTP.
 *
 * <ul>
 *   <li>{@code OK} with an empty {@code ExportTraceServiceResponse}, only after Kafka acknowledged
 *       every span; with {@code partial_success} ({@code rejected_spans}, {@code error_message})
 *       when some spans were invalid and the rest accepted.
 *   <li>{@code UNAUTHENTICATED} when the {@code authorization} metadata is missing, not {@code
 *       Bearer <key>}, or names an unknown or revoked key ({@link GrpcApiKeyInterceptor}); the
 *       message is not read. {@code UNAVAILABLE} (with {@code RetryInfo}) when the key store cannot
 *       be asked for a key never verified before.
 *   <li>{@code INVALID_ARGUMENT} when the message is not a valid protobuf {@code
 *       ExportTraceServiceRequest}, or the request carries more spans than {@link
 *       IngestLimits#maxSpansPerRequest()}; nothing is produced.
 *   <li>{@code RESOURCE_EXHAUSTED} with a {@code google.rpc.RetryInfo} detail (the seconds until
 *       the request would be admitted) when the key's project is over its {@link ProjectRateLimiter
 *       rate limit}; nothing is produced.
 *   <li>{@code UNAVAILABLE} with a {@code google.rpc.RetryInfo} detail (retry delay {@value
 *       IngestPipeline#UNAVAILABLE_RETRY_AFTER_SECONDS} s) when Kafka did not acknowledge in time.
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
 * <p>Thread-safe.
 */
public final class OtlpGrpcService {
  /** Span source and metric protocol of this transport. */
  public static final String PROTOCOL = "otlp-grpc";

  private static final Logger log = LoggerFactory.getLogger(OtlpGrpcService.class);

  /** {@code TraceService/Export} with the request left as bytes (parsed by {@link #export}). */
  static final MethodDescriptor<RequestMessage, ExportTraceServiceResponse> EXPORT =
      MethodDescriptor.<RequestMessage, ExportTraceServiceResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(TraceServiceGrpc.getExportMethod().getFullMethodName())
          .setRequestMarshaller(RequestMessage.MARSHALLER)
          .setResponseMarshaller(
              ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
          .build();

  /** Answers are the outcomes themselves, counted under their HTTP status. */
  private static final IngestPipeline.Responder<IngestRequest, IngestOutcome> OUTCOME =
      new IngestPipeline.Responder<>() {
        @Override
        public IngestOutcome answer(IngestRequest request, IngestOutcome outcome) {
          return outcome;
        }

        @Override
        public int httpStatus(IngestOutcome answer) {
          return answer.httpStatus();
        }
      };

  private final IngestPipeline pipeline;
  private final SpanNormalizer normalizer;
  private final TransportMetrics metrics;
  private final GrpcApiKeyInterceptor authentication;

  /**
   * @param pipeline where every decoded request goes
   * @param normalizer validates and normalises the request's spans
   * @param metrics supplies the meters of {@value #PROTOCOL}
   * @param authenticator checks the {@code authorization} metadata of every call
   * @param authMetrics counts calls refused for their key
   */
  public OtlpGrpcService(
      IngestPipeline pipeline,
      SpanNormalizer normalizer,
      IngestMetrics metrics,
      ApiKeyAuthenticator authenticator,
      AuthMetrics authMetrics) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
    this.metrics = metrics.forTransport(PROTOCOL);
    this.authentication = new GrpcApiKeyInterceptor(authenticator, authMetrics, this.metrics);
  }

  /** The service definition to add to a gRPC server. */
  public ServerServiceDefinition definition() {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(TraceServiceGrpc.SERVICE_NAME)
            .addMethod(EXPORT, ServerCalls.asyncUnaryCall(this::export))
            .build();
    return ServerInterceptors.intercept(service, authentication);
  }

  private void export(RequestMessage message, StreamObserver<ExportTraceServiceResponse> observer) {
    if (message.unreadable() != null) {
      metrics.requestAnswered(413);
      fail(observer, message.unreadable());
      return;
    }
    String projectId = GrpcApiKeyInterceptor.PROJECT.get();
    CompletableFuture<IngestRequest> request =
        CompletableFuture.completedFuture(message.bytes())
            .thenApply(bytes -> decode(projectId, bytes));
    pipeline.ingest(metrics, request, OUTCOME).thenAccept(outcome -> reply(observer, outcome));
  }

  private IngestRequest decode(String projectId, byte[] bytes) {
    pipeline.admitBody(projectId, bytes.length);
    ExportTraceServiceRequest request = ExportRequests.parse(bytes, "message");
    return IngestRequest.of(projectId, () -> normalizer.normalize(projectId, PROTOCOL, request));
  }

  private static void reply(
      StreamObserver<ExportTraceServiceResponse> observer, IngestOutcome outcome) {
    if (outcome instanceof IngestOutcome.Refused refused) {
      fail(observer, GrpcStatuses.of(refused));
      return;
    }
    try {
      observer.onNext(ExportRequests.response(outcome));
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
}
