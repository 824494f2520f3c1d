package dev.tracefold.gateway;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.auth.AuthenticatedProject;
import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ingest.IngestMetrics;
import dev.tracefold.gateway.ingest.IngestPipeline;
import dev.tracefold.gateway.ingest.SpanIngester;
import dev.tracefold.gateway.nativejson.NativeTraceService;
import dev.tracefold.gateway.otlp.OtlpHttpService;
import dev.tracefold.gateway.otlp.SpanNormalizer;
import dev.tracefold.gateway.ratelimit.ProjectRateLimiter;
import dev.tracefold.gateway.ratelimit.RateLimitSettings;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.MockProducer;

/**
 * The gateway's HTTP ingest services as the fuzz tests drive them: the real {@link OtlpHttpService}
 * and {@link NativeTraceService} routes with the default limits, in front of the real {@link
 * IngestPipeline} and {@link SpanIngester}, whose producer is a {@link MockProducer} that
 * serializes every span with the topic's Avro serde and acknowledges at once (no Kafka, no server,
 * no network: a request is a service call on an Armeria test context). Requests carry an
 * authenticated project, as {@code ApiKeyAuthService} would have set it. Not thread-safe: one
 * request at a time.
 */
public final class FuzzedGateway {
  /** The project every request is authenticated for. */
  public static final String PROJECT = "fuzz-project";

  /** How long one request may take before the fuzz test reports it as hanging. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final MockProducer<String, Span> producer =
      new MockProducer<>(
          true, null, Topics.SPANS.keySerde().serializer(), Topics.SPANS.valueSerde().serializer());
  private final IngestLimits limits = IngestLimits.defaults();
  private final IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry());
  private final IngestPipeline pipeline =
      new IngestPipeline(
          new SpanIngester(
              producer,
              GatewaySettings.DEFAULT_PRODUCE_TIMEOUT,
              metrics,
              Runnable::run,
              Clock.systemUTC(),
              limits),
          new ProjectRateLimiter(RateLimitSettings.unlimited()),
          limits);

  /** {@code POST /v1/traces} of the OTLP/HTTP port. */
  public HttpService otlpHttp() {
    return new OtlpHttpService(
        pipeline,
        new SpanNormalizer(Clock.systemUTC()),
        metrics,
        GatewaySettings.DEFAULT_MAX_REQUEST_BYTES,
        limits);
  }

  /** The service of one of the native-trace routes, e.g. {@link NativeTraceService#TRACES_PATH}. */
  public HttpService nativeRoute(String path) {
    ServerBuilder builder = Server.builder();
    new NativeTraceService(
            pipeline, metrics, limits, GatewaySettings.DEFAULT_MAX_REQUEST_BYTES, Clock.systemUTC())
        .addTo(builder);
    Server server = builder.build();
    return server.config().serviceConfigs().stream()
        .filter(config -> config.route().patternString().equals(path))
        .map(ServiceConfig::service)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no native route " + path));
  }

  /**
   * Posts a body to a service and waits for its whole answer.
   *
   * @param path the request path (with a query string, if any)
   * @param contentType the {@code Content-Type}
   * @param body the body as sent
   * @throws AssertionError when the service does not answer within 30 s or its answer fails (an
   *     exception escaped the service instead of becoming a status)
   */
  public AggregatedHttpResponse post(
      HttpService service, String path, MediaType contentType, byte[] body) {
    RequestHeadersBuilder headers = RequestHeaders.builder(HttpMethod.POST, path);
    headers.contentType(contentType);
    HttpRequest request = HttpRequest.of(headers.build(), HttpData.wrap(body));
    ServiceRequestContext ctx = ServiceRequestContext.of(request);
    AuthenticatedProject.set(ctx, PROJECT);
    try {
      return service
          .serve(ctx, request)
          .aggregate()
          .get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the service's answer failed instead of carrying a status", e);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + REQUEST_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (Exception e) {
      throw new AssertionError("the service threw instead of answering", e);
    } finally {
      producer.clear();
    }
  }

  /**
   * Checks that an answer is an acceptance or one of the documented client errors.
   *
   * @param answer the service's answer
   * @param allowed the statuses the endpoint documents for this kind of request
   * @throws AssertionError naming the status and body otherwise (a 5xx is always a finding)
   */
  public static void assertStatusIn(AggregatedHttpResponse answer, Set<Integer> allowed) {
    int status = answer.status().code();
    if (!allowed.contains(status)) {
      throw new AssertionError(
          "answered "
              + status
              + " (expected one of "
              + allowed
              + "): "
              + answer.content().toString(StandardCharsets.UTF_8));
    }
  }
}
