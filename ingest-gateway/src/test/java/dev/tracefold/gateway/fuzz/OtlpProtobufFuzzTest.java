package dev.tracefold.gateway.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import dev.tracefold.gateway.FuzzedGateway;
import dev.tracefold.gateway.otlp.OtlpHttpService;
import java.util.Set;

/**
 * Fuzzes {@code POST /v1/traces} with {@code Content-Type: application/x-protobuf}: the body is the
 * fuzzer's bytes, decoded as an {@code ExportTraceServiceRequest}, normalised ({@code
 * SpanNormalizer}, {@code AttributeMapping}), limited ({@code AttributeLimiter}, {@code
 * IndexedFields}) and serialized as Avro by {@link FuzzedGateway}'s producer. Passes when the
 * answer is 200 (all or some spans accepted), 400 (not a valid request) or 413 (too many spans);
 * anything else, an exception escaping the service, or a hang is a finding.
 *
 * <p>Inputs ({@code OtlpProtobufFuzzTestInputs/fuzz/}): requests as the OpenTelemetry Java SDK's
 * OTLP exporter sends them (GenAI, OpenInference, Vercel AI and Traceloop attributes) and the
 * corpus a fuzzing run grew from them ({@code corpus/}).
 */
class OtlpProtobufFuzzTest {
  private static final MediaType PROTOBUF = MediaType.create("application", "x-protobuf");
  private static final Set<Integer> DOCUMENTED = Set.of(200, 400, 413);

  private final FuzzedGateway gateway = new FuzzedGateway();
  private final HttpService service = gateway.otlpHttp();

  @FuzzTest(maxDuration = "60s")
  void fuzz(byte[] body) {
    FuzzedGateway.assertStatusIn(
        gateway.post(service, OtlpHttpService.PATH, PROTOBUF, body), DOCUMENTED);
  }
}
