package dev.tracefold.gateway.otlp;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.auth.AuthenticatedProject;
import dev.tracefold.gateway.http.HttpIngest;
import dev.tracefold.gateway.http.HttpResponder;
import dev.tracefold.gateway.http.RequestBodies;
import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ingest.IngestMetrics;
import dev.tracefold.gateway.ingest.IngestOutcome;
import dev.tracefold.gateway.ingest.IngestPipeline;
import dev.tracefold.gateway.ingest.IngestRequest;
import dev.tracefold.gateway.ingest.RequestRefusedException;
import dev.tracefold.gateway.ingest.TransportMetrics;
import dev.tracefold.gateway.ratelimit.ProjectRateLimiter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * OTLP/HTTP trace receiver: {@code POST /v1/traces} (OTLP specification, "OTLP/HTTP").
 *
 * <ul>
 *   <li>{@code Content-Type: application/x-protobuf} or {@code application/json}; anything else is
 *       answered 415. {@code Content-Encoding: gzip} or none; anything else is answered 415.
 *   <li>200 with an {@code ExportTraceServiceResponse} in the request's content type, only after
 *       Kafka acknowledged every accepted span; it carries {@code partial_success} with {@code
 *       rejected_spans} and {@code error_message} when some spans were invalid.
 *   <li>400 with a {@code google.rpc.Status} body (in the request's content type) for undecodable
 *       bodies; nothing is produced.
 *   <li>413 when the body exceeds the size cap, as sent or after decompression, or carries more
 *       spans than {@link IngestLimits#maxSpansPerRequest()}.
 *   <li>429 with {@code Retry-After} (seconds until the request would be admitted) when the project
 *       is over its {@link ProjectRateLimiter rate limit}; nothing is produced.
 *   <li>503 with {@code Retry-After} when Kafka did not acknowledge in time.
 * </ul>
 *
 * <p>This class decodes the body and renders the {@link IngestOutcome}; limits, rate limits,
 * normalisation ({@link SpanNormalizer}), producing and metrics are the {@link IngestPipeline}'s.
 * Every error body is a {@code google.rpc.Status} in the request's content type (JSON when it is
 * neither OTLP type). The project is the one the request's API key belongs to ({@link
 * AuthenticatedProject}); the server's {@code ApiKeyAuthService} refused requests without a valid
 * key before this service.
 *
 * <p>Decoding and normalisation run on the request context's blocking executor. Thread-safe.
 */
public final class OtlpHttpService implements HttpService {
  /** The OTLP/HTTP traces path. */
  public static final String PATH = "/v1/traces";

  private final IngestPipeline pipeline;
  private final SpanNormalizer normalizer;
  private final int maxRequestBytes;
  private final OtlpJsonDecoder jsonDecoder;
  private final Map<OtlpFormat, TransportMetrics> metrics = new EnumMap<>(OtlpFormat.class);
  private final TransportMetrics unknownFormatMetrics;

  /**
   * @param pipeline where every decoded request goes
   * @param normalizer validates and normalises the request's spans
   * @param metrics supplies the meters of {@code otlp-http-protobuf}, {@code otlp-http-json} and
   *     {@code unknown} (requests of another content type)
   * @param maxRequestBytes size cap of the body, as sent and decompressed
   * @param limits JSON limits of OTLP/JSON bodies
   */
  public OtlpHttpService(
      IngestPipeline pipeline,
      SpanNormalizer normalizer,
      IngestMetrics metrics,
      int maxRequestBytes,
      IngestLimits limits) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
    this.maxRequestBytes = maxRequestBytes;
    this.jsonDecoder = new OtlpJsonDecoder(Objects.requireNonNull(limits, "limits"));
    for (OtlpFormat format : OtlpFormat.values()) {
      this.metrics.put(format, metrics.forTransport(format.source));
    }
    this.unknownFormatMetrics = metrics.forTransport(IngestMetrics.UNKNOWN_PROTOCOL);
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    OtlpFormat format = OtlpFormat.of(req.contentType());
    OtlpFormat answerFormat = OtlpFormat.answering(req.contentType());
    TransportMetrics transport = format == null ? unknownFormatMetrics : metrics.get(format);
    HttpResponder<IngestRequest> responder = (request, outcome) -> answer(answerFormat, outcome);
    return HttpIngest.ingest(pipeline, transport, () -> read(ctx, req, format), responder);
  }

  /** Checks the headers, then aggregates and decodes the body on the blocking executor. */
  private CompletableFuture<IngestRequest> read(
      ServiceRequestContext ctx, HttpRequest req, OtlpFormat format) {
    if (format == null) {
      throw new RequestRefusedException(
          415,
          "Content-Type '"
              + req.headers().get(HttpHeaderNames.CONTENT_TYPE)
              + "' is not supported; use application/x-protobuf or application/json");
    }
    String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    RequestBodies.checkEncoding(encoding);
    String projectId = AuthenticatedProject.of(ctx);
    return RequestBodies.aggregate(req, limit -> tooLargeMessage(maxRequestBytes))
        .thenApplyAsync(
            body -> decode(format, projectId, encoding, body), ctx.blockingTaskExecutor());
  }

  private IngestRequest decode(
      OtlpFormat format, String projectId, String encoding, AggregatedHttpRequest body) {
    byte[] bytes = RequestBodies.decode(body.content().array(), encoding, maxRequestBytes);
    pipeline.admitBody(projectId, bytes.length);
    ExportTraceServiceRequest request =
        switch (format) {
          case PROTOBUF -> ExportRequests.parse(bytes, "body");
          case JSON -> jsonDecoder.decode(bytes);
        };
    return IngestRequest.of(
        projectId, () -> normalizer.normalize(projectId, format.source, request));
  }

  private static AggregatedHttpResponse answer(OtlpFormat format, IngestOutcome outcome) {
    if (outcome instanceof IngestOutcome.Refused refused) {
      return HttpIngest.refusal(
          refused,
          format.mediaType,
          format.encodeStatus(RpcStatus.codeFor(refused.httpStatus()), refused.message()));
    }
    return AggregatedHttpResponse.of(
        HttpStatus.OK, format.mediaType, format.encode(ExportRequests.response(outcome)));
  }

  /**
   * An OTLP error answer to a request with these headers: a {@code google.rpc.Status} body in the
   * request's content type (protobuf, or JSON for JSON and unknown types). Renders refusals decided
   * before this service runs (401 and 503 of the API key check).
   */
  public static HttpResponse errorFor(RequestHeaders headers, HttpStatus status, String message) {
    return errorResponse(OtlpFormat.answering(headers.contentType()), status, message)
        .toHttpResponse();
  }

  /** An error answer: a {@code google.rpc.Status} body in the format's content type. */
  static AggregatedHttpResponse errorResponse(
      OtlpFormat format, HttpStatus status, String message) {
    byte[] body = format.encodeStatus(RpcStatus.codeFor(status.code()), message);
    return AggregatedHttpResponse.of(status, format.mediaType, body);
  }

  /** The 413 message. */
  static String tooLargeMessage(int maxRequestBytes) {
    return "request body exceeds " + maxRequestBytes + " bytes; send fewer spans per request";
  }
}
