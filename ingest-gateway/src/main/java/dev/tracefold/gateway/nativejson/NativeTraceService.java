package dev.tracefold.gateway.nativejson;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.auth.AuthenticatedProject;
import dev.tracefold.gateway.http.HttpIngest;
import dev.tracefold.gateway.http.RequestBodies;
import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ingest.IngestMetrics;
import dev.tracefold.gateway.ingest.IngestOutcome;
import dev.tracefold.gateway.ingest.IngestPipeline;
import dev.tracefold.gateway.ingest.IngestResult;
import dev.tracefold.gateway.ingest.RequestRefusedException;
import dev.tracefold.gateway.ingest.TransportMetrics;
import dev.tracefold.gateway.nativejson.NativeTraceIngest.Outcome;
import dev.tracefold.gateway.nativejson.NativeTraceIngest.Prepared;
import dev.tracefold.gateway.nativejson.NativeTraceIngest.Request;
import dev.tracefold.gateway.nativejson.TraceItemReader.TraceItem;
import dev.tracefold.gateway.nativejson.UploadBodies.Format;
import dev.tracefold.gateway.nativejson.UploadBodies.UploadFile;
import dev.tracefold.gateway.ratelimit.ProjectRateLimiter;
import dev.tracefold.schemas.json.TraceJsonSchema;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The native-trace endpoints on the API port:
 *
 * <ul>
 *   <li>{@code POST /api/v1/traces} ({@code Content-Type: application/json}): one trace object or a
 *       JSON array of them, at most {@code max-request-bytes} (also after gzip) and {@code
 *       max-spans-per-request} spans in all (413 beyond);
 *   <li>{@code POST /api/v1/traces/upload}: a {@code .json} (one trace or an array) or {@code
 *       .jsonl} (one trace per line) file of at most {@code max-upload-bytes}, as {@code
 *       multipart/form-data} field {@code file} or as the raw body (see {@link UploadBodies}),
 *       produced in batches of at most {@code max-spans-per-request} spans;
 *   <li>{@code GET /api/v1/schemas/trace.schema.json}: the JSON Schema traces are validated
 *       against.
 * </ul>
 *
 * Both POSTs answer with the stored {@code trace_ids} and one error per problem ({@link
 * NativeResponses}): 200 when a trace was stored (or nothing was wrong), 400 when every trace was
 * invalid, 429 with {@code Retry-After} over the project's {@link ProjectRateLimiter rate limit},
 * 503 with {@code Retry-After} when Kafka did not acknowledge every span in time. The project is
 * the API key's ({@link AuthenticatedProject}).
 *
 * <p>This class reads the bodies, validates and converts the traces ({@link NativeTraceIngest}, on
 * the request's blocking executor) and renders the {@link IngestOutcome}; limits, rate limits,
 * producing and request metrics are the {@link IngestPipeline}'s. Thread-safe.
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

  private static final MediaType SCHEMA_MEDIA_TYPE =
      MediaType.parse("application/schema+json; charset=utf-8");

  private final IngestPipeline pipeline;
  private final IngestMetrics metrics;
  private final TransportMetrics transport;
  private final IngestLimits limits;
  private final int maxRequestBytes;
  private final TraceItemReader reader;
  private final NativeTraceIngest ingest;
  private final String schemaText = TraceJsonSchema.text();

  /**
   * @param pipeline where every read request goes
   * @param metrics counts native traces, and supplies the meters of {@code native-json}
   * @param limits spans per request, JSON and upload limits
   * @param maxRequestBytes size cap of {@code POST /api/v1/traces}, as sent and decompressed
   * @param clock wall clock of {@code ingestedEpochMillis}
   */
  public NativeTraceService(
      IngestPipeline pipeline,
      IngestMetrics metrics,
      IngestLimits limits,
      int maxRequestBytes,
      Clock clock) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.transport = metrics.forTransport(NativeTraceIngest.PROTOCOL);
    this.limits = Objects.requireNonNull(limits, "limits");
    this.maxRequestBytes = maxRequestBytes;
    this.reader = new TraceItemReader(limits);
    this.ingest = new NativeTraceIngest(limits, new NativeValues(reader.mapper()), clock);
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

  /**
   * An error answer of the API port, {@code {"error": message}}: renders the refusals decided
   * before this service runs (401 and 503 of the API key check), for native traces and any other
   * path of the port.
   */
  public static HttpResponse errorFor(RequestHeaders headers, HttpStatus status, String message) {
    return NativeResponses.error(status, message).toHttpResponse();
  }

  private HttpResponse postTraces(ServiceRequestContext ctx, HttpRequest req) {
    return HttpIngest.ingest(
        pipeline,
        transport,
        () -> {
          String encoding = checkPost(req);
          String projectId = AuthenticatedProject.of(ctx);
          return RequestBodies.aggregate(req, NativeResponses::tooLargeMessage)
              .thenApplyAsync(
                  body -> {
                    byte[] bytes =
                        RequestBodies.decode(body.content().array(), encoding, maxRequestBytes);
                    pipeline.admitBody(projectId, bytes.length);
                    return ingest.post(projectId, reader.readJson(bytes));
                  },
                  ctx.blockingTaskExecutor());
        },
        this::answer);
  }

  /** The request's {@code Content-Encoding}, once content type and encoding were found usable. */
  private static String checkPost(HttpRequest req) {
    MediaType contentType = req.contentType();
    if (contentType == null || !contentType.is(MediaType.JSON)) {
      throw new RequestRefusedException(
          415,
          "Content-Type '"
              + req.headers().get(HttpHeaderNames.CONTENT_TYPE)
              + "' is not supported; send application/json (one trace or an array), or upload"
              + " a .jsonl file to "
              + UPLOAD_PATH);
    }
    String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    RequestBodies.checkEncoding(encoding);
    return encoding;
  }

  private HttpResponse upload(ServiceRequestContext ctx, HttpRequest req) {
    return HttpIngest.ingest(
        pipeline,
        transport,
        () -> {
          String projectId = AuthenticatedProject.of(ctx);
          return RequestBodies.aggregate(req, NativeResponses::tooLargeMessage)
              .thenCompose(body -> UploadBodies.read(ctx, body, limits.maxUploadBytes()))
              .thenApplyAsync(file -> upload(projectId, file), ctx.blockingTaskExecutor());
        },
        this::answer);
  }

  private Request upload(String projectId, UploadFile file) {
    pipeline.admitBody(projectId, file.bytes().length);
    List<TraceItem> items =
        file.format() == Format.JSONL
            ? reader.readJsonLines(file.bytes())
            : reader.readJson(file.bytes());
    if (items.isEmpty()) {
      throw new RequestRefusedException(400, "the file holds no trace");
    }
    return ingest.upload(projectId, items);
  }

  private AggregatedHttpResponse answer(Request request, IngestOutcome outcome) {
    if (outcome instanceof IngestOutcome.Refused refused) {
      if (request != null && refused.httpStatus() >= 500) {
        // admitted, then producing failed (503 Kafka unavailable, 500): nothing counts as stored
        Prepared prepared = request.prepared();
        metrics.nativeTracesRejected(prepared.rejectedTraces() + prepared.accepted().size());
      }
      return NativeResponses.refusal(refused);
    }
    IngestResult result =
        outcome instanceof IngestOutcome.Accepted accepted
            ? accepted.result()
            : ((IngestOutcome.PartiallyAccepted) outcome).result();
    Outcome stored = ingest.stored(request.prepared(), result);
    metrics.nativeTracesRejected(stored.rejectedTraces());
    metrics.nativeTracesAccepted(stored.traceIds().size());
    return NativeResponses.result(stored);
  }
}
