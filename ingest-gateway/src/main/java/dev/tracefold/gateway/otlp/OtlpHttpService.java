package dev.tracefold.gateway.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.gateway.auth.AuthenticatedProject;
import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ingest.IngestMetrics;
import dev.tracefold.gateway.ingest.IngestResult;
import dev.tracefold.gateway.ingest.IngestUnavailableException;
import dev.tracefold.gateway.ingest.NormalizedBatch;
import dev.tracefold.gateway.ingest.SpanIngester;
import dev.tracefold.gateway.ratelimit.ProjectRateLimiter;
import dev.tracefold.gateway.ratelimit.RateLimitedException;
import dev.tracefold.gateway.ingest.TooManySpansException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *   <li>429 with {@code Retry-After} (seconds until the request would be admitted) when the
 *       project is over its {@link ProjectRateLimiter rate limit}; nothing is produced.
 *   <li>503 with {@code Retry-After} when Kafka did not acknowledge in time.
 * </ul>
 *
 * <p>The project is the one the request's API key belongs to ({@link AuthenticatedProject}); the
 * server's {@code ApiKeyAuthService} refused requests without a valid key before this service.
 *
 * <p>Decoding and normalisation run on the request context's blocking executor. Thread-safe.
 */
public final class OtlpHttpService implements HttpService {
  /** The OTLP/HTTP traces path. */
  public static final String PATH = "/v1/traces";

  /** {@code Retry-After} of 503 answers (and gRPC's retry delay), in seconds. */
  public static final int RETRY_AFTER_SECONDS = 5;

  private static final Logger log = LoggerFactory.getLogger(OtlpHttpService.class);
  static final String UNKNOWN_PROTOCOL = "unknown";

  private final SpanIngester ingester;
  private final SpanNormalizer normalizer;
  private final IngestMetrics metrics;
  private final int maxRequestBytes;
  private final ProjectRateLimiter rateLimiter;
  private final IngestLimits limits;
  private final OtlpJsonDecoder jsonDecoder;

  /**
   * @param ingester where every decoded batch goes
   * @param normalizer validates and normalises the request's spans
   * @param metrics counts requests by status
   * @param maxRequestBytes size cap of the decoded body
   * @param rateLimiter the per-project limits; charged the request's spans (valid and invalid) and
   *     decoded body bytes after decoding, before anything is produced
   * @param limits spans per request and JSON limits
   * @param limits spans per request and JSON limits
   */
  public OtlpHttpService(
      SpanIngester ingester,
      SpanNormalizer normalizer,
      IngestMetrics metrics,
      int maxRequestBytes,
      ProjectRateLimiter rateLimiter,
      IngestLimits limits) {
    this.ingester = Objects.requireNonNull(ingester, "ingester");
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.maxRequestBytes = maxRequestBytes;
    this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.jsonDecoder = new OtlpJsonDecoder(limits);
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    OtlpFormat format = OtlpFormat.of(req.contentType());
    if (format == null) {
      metrics.request(UNKNOWN_PROTOCOL, 415);
      return error(
          OtlpFormat.JSON,
          415,
          "Content-Type '"
              + req.headers().get(HttpHeaderNames.CONTENT_TYPE)
              + "' is not supported; use application/x-protobuf or application/json");
    }
    String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    if (!RequestBodies.isSupported(encoding)) {
      return refuse(
          format,
          new OtlpRequestException(
              415, "Content-Encoding '" + encoding + "' is not supported; use gzip or none"));
    }
    String projectId = AuthenticatedProject.of(ctx);
    CompletableFuture<HttpResponse> response =
        req.aggregate()
            .thenApplyAsync(
                body -> decode(format, projectId, encoding, body), ctx.blockingTaskExecutor())
            .thenCompose(batch -> ingester.ingest(format.source, batch))
            .handle((result, error) -> respond(format, result, error));
    return HttpResponse.of(response);
  }

  private NormalizedBatch decode(
      OtlpFormat format, String projectId, String encoding, AggregatedHttpRequest body) {
    byte[] bytes = RequestBodies.decode(body.content().array(), encoding, maxRequestBytes);
    ExportTraceServiceRequest request =
        switch (format) {
          case PROTOBUF -> parseProtobuf(bytes);
          case JSON -> jsonDecoder.decode(bytes);
        };
    try {
      limits.checkSpansPerRequest(ExportRequests.spanCount(request));
    } catch (TooManySpansException e) {
      throw new OtlpRequestException(413, e.getMessage());
    }
    NormalizedBatch batch = normalizer.normalize(projectId, format.source, request);
    rateLimiter.acquire(projectId, batch.totalSpans(), bytes.length);
    return batch;
  }

  private static ExportTraceServiceRequest parseProtobuf(byte[] bytes) {
    try {
      return ExportTraceServiceRequest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new OtlpRequestException(
          400, "body is not a valid protobuf ExportTraceServiceRequest: " + e.getMessage());
    }
  }

  private HttpResponse respond(OtlpFormat format, IngestResult result, Throwable error) {
    if (error == null) {
      metrics.request(format.source, 200);
      return success(format, result);
    }
    Throwable cause = unwrap(error);
    if (cause instanceof OtlpRequestException e) {
      return refuse(format, e);
    }
    if (cause instanceof ContentTooLargeException) {
      return refuse(format, new OtlpRequestException(413, tooLargeMessage(maxRequestBytes)));
    }
    if (cause instanceof RateLimitedException e) {
      metrics.request(format.source, 429);
      metrics.rateLimited(format.source);
      return withRetryAfter(error(format, 429, e.getMessage()), e.retryAfterSeconds());
    }
    if (cause instanceof IngestUnavailableException e) {
      metrics.request(format.source, 503);
      return withRetryAfter(
          error(format, 503, e.getMessage() + "; retry later"), RETRY_AFTER_SECONDS);
    }
    log.error("Unexpected failure while ingesting an OTLP/HTTP request", cause);
    metrics.request(format.source, 500);
    return error(format, 500, "internal error: " + cause.getClass().getSimpleName());
  }

  private HttpResponse refuse(OtlpFormat format, OtlpRequestException e) {
    metrics.request(format.source, e.httpStatus());
    return error(format, e.httpStatus(), e.getMessage());
  }

  private static HttpResponse withRetryAfter(HttpResponse response, long seconds) {
    return response.mapHeaders(
        headers ->
            headers.toBuilder().set(HttpHeaderNames.RETRY_AFTER, Long.toString(seconds)).build());
  }

  private static HttpResponse success(OtlpFormat format, IngestResult result) {
    ExportTraceServiceResponse response = ExportRequests.response(result);
    byte[] body =
        switch (format) {
          case PROTOBUF -> response.toByteArray();
          case JSON -> printJson(response);
        };
    return HttpResponse.of(HttpStatus.OK, format.mediaType, body);
  }

  private static byte[] printJson(ExportTraceServiceResponse response) {
    try {
      return JsonFormat.printer()
          .omittingInsignificantWhitespace()
          .print(response)
          .getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("Cannot print an ExportTraceServiceResponse", e);
    }
  }

  private static HttpResponse error(OtlpFormat format, int httpStatus, String message) {
    return errorResponse(format, httpStatus, message).toHttpResponse();
  }

  /**
   * An OTLP error answer to a request with these headers: a {@code google.rpc.Status} body in the
   * request's content type (protobuf, or JSON for JSON and unknown types). Used to render refusals
   * decided before this service runs (401 of the API key check).
   */
  public static HttpResponse errorFor(RequestHeaders headers, HttpStatus status, String message) {
    OtlpFormat format = OtlpFormat.of(headers.contentType());
    return error(format == null ? OtlpFormat.JSON : format, status.code(), message);
  }

  /** An error answer: a {@code google.rpc.Status} body in the format's content type. */
  static AggregatedHttpResponse errorResponse(OtlpFormat format, int httpStatus, String message) {
    int code = RpcStatus.codeFor(httpStatus);
    byte[] body =
        switch (format) {
          case PROTOBUF -> RpcStatus.toProtobuf(code, message);
          case JSON -> RpcStatus.toJson(code, message);
        };
    return AggregatedHttpResponse.of(
        ResponseHeaders.of(
            HttpStatus.valueOf(httpStatus), HttpHeaderNames.CONTENT_TYPE, format.mediaType),
        HttpData.wrap(body));
  }

  /** The 413 message. */
  static String tooLargeMessage(int maxRequestBytes) {
    return "request body exceeds " + maxRequestBytes + " bytes; send fewer spans per request";
  }

  private static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while (current instanceof CompletionException && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /** The two OTLP/HTTP encodings, with the span source each produces. */
  enum OtlpFormat {
    PROTOBUF("otlp-http-protobuf", MediaType.create("application", "x-protobuf")),
    JSON("otlp-http-json", MediaType.JSON);

    final String source;
    final MediaType mediaType;

    OtlpFormat(String source, MediaType mediaType) {
      this.source = source;
      this.mediaType = mediaType;
    }

    static OtlpFormat of(MediaType contentType) {
      if (contentType == null) {
        return null;
      }
      String type = contentType.type().toLowerCase(Locale.ROOT);
      String subtype = contentType.subtype().toLowerCase(Locale.ROOT);
      if (!type.equals("application")) {
        return null;
      }
      return switch (subtype) {
        case "x-protobuf" -> PROTOBUF;
        case "json" -> JSON;
        default -> null;
      };
    }
  }
}
