package dev.tracefold.gateway.nativejson;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.gateway.auth.AuthenticatedProject;
import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ingest.IngestMetrics;
import dev.tracefold.gateway.ingest.IngestUnavailableException;
import dev.tracefold.gateway.ingest.SpanIngester;
import dev.tracefold.gateway.ingest.TooManySpansException;
import dev.tracefold.gateway.nativejson.NativeTraceIngest.Prepared;
import dev.tracefold.gateway.nativejson.TraceItemReader.TraceItem;
import dev.tracefold.gateway.nativejson.UploadBodies.Format;
import dev.tracefold.gateway.nativejson.UploadBodies.UploadFile;
import dev.tracefold.gateway.otlp.OtlpRequestException;
import dev.tracefold.gateway.otlp.RequestBodies;
import dev.tracefold.gateway.ratelimit.ProjectRateLimiter;
import dev.tracefold.gateway.ratelimit.RateLimitedException;
import dev.tracefold.schemas.json.TraceJsonSchema;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native-trace endpoints on the API port:
 *
 * <ul>
 *   <li>{@code POST /api/v1/traces} ({@code Content-Type: application/json}): one trace object or a
 *       JSON array of them, at most {@code max-request-bytes} (also after gzip) and {@code
 *       max-spans-per-request} spans in all (413 beyond);
 *   <li>{@code POST /api/v1/traces/upload}: a {@code .json} (one trace or an array) or {@code
 *       .jsonl} (one trace per line) file of at most {@code max-upload-bytes}, as {@code
 *       multipart/form-data} field {@code file} or as the raw body (see {@link UploadBodies});
 *   <li>{@code GET /api/v1/schemas/trace.schema.json}: the JSON Schema traces are validated
 *       against.
 * </ul>
 *
 * Both POSTs answer with the stored {@code trace_ids} and a list of errors, one per problem, each
 * naming the trace (index, line, id), the JSON pointer and the rule ({@link NativeResponses}): 200
 * when at least one trace was stored (or there was nothing wrong), 400 when every trace was
 * invalid, 429 + {@code Retry-After} ({@code {"error": ...}}) when the project is over its {@link
 * ProjectRateLimiter rate limit} (nothing is produced), 503 + {@code Retry-After} when Kafka did not
 * acknowledge in time. Traces are acknowledged only after Kafka acknowledged every span. The
 * project is the request's API key's ({@link AuthenticatedProject}; the API server's {@code
 * ApiKeyAuthService} refused requests without a valid key before this service). A request is
 * charged its spans and decoded bytes after parsing, before anything is produced. Parsing,
 * validation and conversion run on the request's blocking executor.
 *
 * <p>Thread-safe.
 */
public final class NativeTraceService {
  /** Path of {@code POST} one trace or an array. */
  public static final String TRACES_PATH = "/api/v1/traces";

  /** Path of file uploads. */
  public static final String UPLOAD_PATH = "/api/v1/traces/upload";

  /** Path the JSON Schema is served at. */
  public static final String SCHEMA_PATH = "/api/v1/schemas/trace.schema.json";

  /** Room for multipart headers and boundaries beyond the file's own size limit. */
  static final int MULTIPART_OVERHEAD_BYTES = 64 * 1024;

  /** Time an upload request may take: receiving up to 50 MB and producing it batch by batch. */
  static final Duration UPLOAD_REQUEST_TIMEOUT = Duration.ofMinutes(5);

  private static final Logger log = LoggerFactory.getLogger(NativeTraceService.class);
  private static final MediaType SCHEMA_MEDIA_TYPE =
      MediaType.parse("application/schema+json; charset=utf-8");

  private final IngestMetrics metrics;
  private final IngestLimits limits;
  private final int maxRequestBytes;
  private final TraceItemReader reader;
  private final NativeTraceIngest ingest;
  private final ProjectRateLimiter rateLimiter;
  private final String schemaText = TraceJsonSchema.text();

  /**
   * @param ingester produces the spans
   * @param metrics counts requests and traces
   * @param limits spans per request, JSON and upload limits
   * @param maxRequestBytes size cap of {@code POST /api/v1/traces}, as sent and decompressed
   * @param clock wall clock of {@code ingestedEpochMillis}
   * @param rateLimiter the per-project limits, charged each request's spans and decoded bytes
   */
  public NativeTraceService(
      SpanIngester ingester,
      IngestMetrics metrics,
      IngestLimits limits,
      int maxRequestBytes,
      Clock clock,
      ProjectRateLimiter rateLimiter) {
    this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.maxRequestBytes = maxRequestBytes;
    this.reader = new TraceItemReader(limits);
    this.ingest =
        new NativeTraceIngest(ingester, metrics, limits, new NativeValues(reader.mapper()), clock);
  }

  /** Adds the three routes to an Armeria server under construction. */
  public void addTo(ServerBuilder server) {
    server.route().post(TRACES_PATH).maxRequestLength(maxRequestBytes).build(this::postTraces);
    server
        .route()
        .post(UPLOAD_PATH)
        .maxRequestLength((long) limits.maxUploadBytes() + MULTIPART_OVERHEAD_BYTES)
        .requestTimeout(UPLOAD_REQUEST_TIMEOUT)
        .build(this::upload);
    server
        .route()
        .get(SCHEMA_PATH)
        .build((ctx, req) -> HttpResponse.of(HttpStatus.OK, SCHEMA_MEDIA_TYPE, schemaText));
  }

  private HttpResponse postTraces(ServiceRequestContext ctx, HttpRequest req) {
    MediaType contentType = req.contentType();
    String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    CompletableFuture<HttpResponse> response =
        CompletableFuture.supplyAsync(
                () -> checkPost(ctx, contentType, encoding, req), ctx.eventLoop())
            .thenCompose(
                projectId -> req.aggregate().thenApply(body -> new Posted(projectId, body)))
            .thenApplyAsync(
                posted -> {
                  byte[] bytes = decode(posted.body().content().array(), encoding);
                  Prepared prepared = ingest.prepare(posted.projectId(), reader.readJson(bytes));
                  limits.checkSpansPerRequest(prepared.spanCount());
                  rateLimiter.acquire(posted.projectId(), prepared.spanCount(), bytes.length);
                  return prepared;
                },
                ctx.blockingTaskExecutor())
            .thenCompose(ingest::ingest)
            .handle((outcome, error) -> respond(outcome, error));
    return HttpResponse.of(response);
  }

  private String checkPost(
      ServiceRequestContext ctx, MediaType contentType, String encoding, HttpRequest req) {
    if (contentType == null || !contentType.is(MediaType.JSON)) {
      throw new NativeRequestException(
          415,
          "Content-Type '"
              + req.headers().get(HttpHeaderNames.CONTENT_TYPE)
              + "' is not supported; send application/json (one trace or an array), or upload"
              + " a .jsonl file to "
              + UPLOAD_PATH);
    }
    if (!RequestBodies.isSupported(encoding)) {
      throw new NativeRequestException(
          415, "Content-Encoding '" + encoding + "' is not supported; use gzip or none");
    }
    return AuthenticatedProject.of(ctx);
  }

  private HttpResponse upload(ServiceRequestContext ctx, HttpRequest req) {
    CompletableFuture<HttpResponse> response =
        CompletableFuture.supplyAsync(() -> AuthenticatedProject.of(ctx), ctx.eventLoop())
            .thenCompose(
                projectId ->
                    req.aggregate()
                        .thenCompose(body -> UploadBodies.read(ctx, body, limits.maxUploadBytes()))
                        .thenApplyAsync(
                            file -> prepare(projectId, file), ctx.blockingTaskExecutor()))
            .thenCompose(ingest::ingest)
            .handle((outcome, error) -> respond(outcome, error));
    return HttpResponse.of(response);
  }

  private Prepared prepare(String projectId, UploadFile file) {
    List<TraceItem> items =
        file.format() == Format.JSONL
            ? reader.readJsonLines(file.bytes())
            : reader.readJson(file.bytes());
    if (items.isEmpty()) {
      throw new NativeRequestException(400, "the file holds no trace");
    }
    Prepared prepared = ingest.prepare(projectId, items);
    rateLimiter.acquire(projectId, prepared.spanCount(), file.bytes().length);
    return prepared;
  }

  private byte[] decode(byte[] body, String encoding) {
    try {
      return RequestBodies.decode(body, encoding, maxRequestBytes);
    } catch (OtlpRequestException e) {
      throw new NativeRequestException(e.httpStatus(), e.getMessage());
    }
  }

  private HttpResponse respond(NativeTraceIngest.Outcome outcome, Throwable error) {
    if (error == null) {
      HttpResponse response = NativeResponses.result(outcome);
      metrics.request(NativeTraceIngest.PROTOCOL, NativeResponses.status(outcome).code());
      return response;
    }
    Throwable cause = unwrap(error);
    if (cause instanceof NativeRequestException e) {
      metrics.request(NativeTraceIngest.PROTOCOL, e.httpStatus());
      return NativeResponses.refusal(e.httpStatus(), e.getMessage());
    }
    if (cause instanceof TooManySpansException e) {
      metrics.request(NativeTraceIngest.PROTOCOL, 413);
      return NativeResponses.refusal(413, e.getMessage());
    }
    if (cause instanceof ContentTooLargeException e) {
      metrics.request(NativeTraceIngest.PROTOCOL, 413);
      return NativeResponses.refusal(413, NativeResponses.tooLargeMessage(e.maxContentLength()));
    }
    if (cause instanceof RateLimitedException e) {
      metrics.request(NativeTraceIngest.PROTOCOL, 429);
      metrics.rateLimited(NativeTraceIngest.PROTOCOL);
      return NativeResponses.rateLimited(e.getMessage(), e.retryAfterSeconds());
    }
    if (cause instanceof IngestUnavailableException e) {
      metrics.request(NativeTraceIngest.PROTOCOL, 503);
      return NativeResponses.unavailable(e.getMessage());
    }
    log.error("Unexpected failure while ingesting native traces", cause);
    metrics.request(NativeTraceIngest.PROTOCOL, 500);
    return NativeResponses.refusal(500, "internal error: " + cause.getClass().getSimpleName());
  }

  /** A POST body with the project it was sent for. */
  private record Posted(String projectId, AggregatedHttpRequest body) {}

  private static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while (current instanceof CompletionException && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
