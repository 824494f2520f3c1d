package dev.tracefold.gateway.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import dev.tracefold.gateway.FuzzedGateway;
import dev.tracefold.gateway.nativejson.NativeTraceService;
import java.util.Set;

/**
 * Fuzzes {@code POST /api/v1/traces} ({@code Content-Type: application/json}): the body is the
 * fuzzer's bytes, read as one trace or an array of traces ({@code TraceItemReader}), validated
 * against the trace JSON Schema, converted to spans ({@code NativeTraceConverter}, {@code
 * NativeValues}, {@code TraceIds}), limited and serialized as Avro. Passes when the answer is 200
 * (some trace stored, or nothing wrong), 400 (unreadable body, or every trace invalid) or 413 (too
 * many traces or spans); anything else, an exception escaping the service, or a hang is a finding.
 *
 * <p>Inputs ({@code NativeJsonFuzzTestInputs/fuzz/}): the README's native trace example, traces
 * using every field, number and time edge cases, the corpus a fuzzing run grew from them ({@code
 * corpus/}) and the inputs of findings ({@code findings/}).
 */
class NativeJsonFuzzTest {
  private static final Set<Integer> DOCUMENTED = Set.of(200, 400, 413);

  private final FuzzedGateway gateway = new FuzzedGateway();
  private final HttpService service = gateway.nativeRoute(NativeTraceService.TRACES_PATH);

  @FuzzTest(maxDuration = "60s")
  @DictionaryFile(resourcePath = "native-trace.dict")
  void fuzz(byte[] body) {
    FuzzedGateway.assertStatusIn(
        gateway.post(service, NativeTraceService.TRACES_PATH, MediaType.JSON, body), DOCUMENTED);
  }
}
