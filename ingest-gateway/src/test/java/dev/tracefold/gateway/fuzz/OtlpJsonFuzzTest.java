package dev.tracefold.gateway.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import dev.tracefold.gateway.FuzzedGateway;
import dev.tracefold.gateway.otlp.OtlpHttpService;
import java.util.Set;

/**
 * Fuzzes {@code POST /v1/traces} with {@code Content-Type: application/json}: the body is the
 * fuzzer's bytes, decoded as OTLP/JSON ({@code OtlpJsonDecoder}: hex ids, snake_case or camelCase
 * keys, JSON limits), normalised, limited and serialized as Avro. Passes when the answer is 200
 * (all or some spans accepted), 400 (not valid OTLP/JSON, or over a JSON limit) or 413 (too many
 * spans); anything else, an exception escaping the service, or a hang is a finding.
 *
 * <p>Inputs ({@code OtlpJsonFuzzTestInputs/fuzz/}): OTLP/JSON requests as the OpenTelemetry Java
 * SDK's exporter encodes them, snake_case keys with enum names, legacy base64 ids, invalid spans,
 * and the corpus a fuzzing run grew from them ({@code corpus/}).
 */
class OtlpJsonFuzzTest {
  private static final Set<Integer> DOCUMENTED = Set.of(200, 400, 413);

  private final FuzzedGateway gateway = new FuzzedGateway();
  private final HttpService service = gateway.otlpHttp();

  @FuzzTest(maxDuration = "60s")
  @DictionaryFile(resourcePath = "otlp-json.dict")
  void fuzz(byte[] body) {
    FuzzedGateway.assertStatusIn(
        gateway.post(service, OtlpHttpService.PATH, MediaType.JSON, body), DOCUMENTED);
  }
}
