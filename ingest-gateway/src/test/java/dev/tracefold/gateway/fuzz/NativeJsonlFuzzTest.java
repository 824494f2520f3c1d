package dev.tracefold.gateway.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import dev.tracefold.gateway.FuzzedGateway;
import dev.tracefold.gateway.nativejson.NativeTraceService;
import java.util.Set;

/**
 * Fuzzes {@code POST /api/v1/traces/upload} with a raw JSONL body ({@code Content-Type:
 * application/x-ndjson}): the body is the fuzzer's bytes, split into one trace per line ({@code
 * TraceItemReader}), each validated, converted, limited and serialized as Avro, in batches. Passes
 * when the answer is 200 (some trace stored, or nothing wrong), 400 (no trace, or every trace
 * invalid) or 413 (too many traces); anything else, an exception escaping the service, or a hang is
 * a finding.
 *
 * <p>Inputs ({@code NativeJsonlFuzzTestInputs/fuzz/}): JSONL files of the README's trace and others
 * (blank, bad and CRLF lines), the corpus a fuzzing run grew from them ({@code corpus/}) and the
 * inputs of findings ({@code findings/}).
 */
class NativeJsonlFuzzTest {
  private static final MediaType NDJSON = MediaType.create("application", "x-ndjson");
  private static final Set<Integer> DOCUMENTED = Set.of(200, 400, 413);

  private final FuzzedGateway gateway = new FuzzedGateway();
  private final HttpService service = gateway.nativeRoute(NativeTraceService.UPLOAD_PATH);

  @FuzzTest(maxDuration = "60s")
  @DictionaryFile(resourcePath = "native-trace.dict")
  void fuzz(byte[] body) {
    FuzzedGateway.assertStatusIn(
        gateway.post(service, NativeTraceService.UPLOAD_PATH, NDJSON, body), DOCUMENTED);
  }
}
