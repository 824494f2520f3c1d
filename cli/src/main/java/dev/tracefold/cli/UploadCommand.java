package dev.tracefold.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tracefold upload FILE...}: sends native-trace files to the gateway's upload API ({@code
 * POST /api/v1/traces/upload}), one request per file, with a progress bar over the bytes sent.
 * {@code .json} files (one trace or an array) go as {@code application/json}, {@code .jsonl} and
 * {@code .ndjson} files (one trace per line) as {@code application/x-ndjson}.
 *
 * <p>Prints, per file, how many traces and spans were stored and every error the gateway reported
 * ({@code FILE:LINE: POINTER: message (rule)}), then a summary. Exit code 0 when every file was
 * stored without error, 1 when a file could not be sent or a trace was refused.
 */
@Command(
    name = "upload",
    mixinStandardHelpOptions = true,
    description =
        "Upload native trace files (.json: one trace or an array; .jsonl: one trace per line)"
            + " through the gateway's upload API. Exits 1 if any file or trace was refused.")
public final class UploadCommand implements Callable<Integer> {
  private static final long KIB = 1024;
  private static final long MIB = 1024 * 1024;

  @Spec private CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to upload.")
  private List<Path> files = new ArrayList<>();

  @Option(
      names = "--url",
      paramLabel = "URL",
      defaultValue = "${env:TRACEFOLD_URL:-http://localhost:8080}",
      description = "Gateway API base URL (env TRACEFOLD_URL; default: ${DEFAULT-VALUE}).")
  private URI url;

  @Option(
      names = "--api-key",
      paramLabel = "K",
      defaultValue = "${env:TRACEFOLD_API_KEY}",
      description =
          "API key, sent as 'Authorization: Bearer K' (env TRACEFOLD_API_KEY); the traces go to"
              + " the key's project (create one with: tracefold keys create --project NAME).")
  private String apiKey;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "300",
      description = "How long to wait for each file's answer (default: ${DEFAULT-VALUE}).")
  private int timeoutSeconds;

  @Option(
      names = "--progress",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Show a progress bar on stderr (default: on; --no-progress turns it off).")
  private boolean progress;

  @Option(
      names = {"-v", "--verbose"},
      description = "Also print the id of every stored trace.")
  private boolean verbose;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    UploadClient client =
        new UploadClient(
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build(),
            url,
            apiKey,
            Duration.ofSeconds(timeoutSeconds));
    long totalBytes = 0;
    for (Path file : files) {
      totalBytes += Files.isRegularFile(file) ? sizeOf(file) : 0;
    }
    List<UploadResult> results = new ArrayList<>(files.size());
    try (ProgressBar bar = progress ? progressBar(totalBytes) : null) {
      for (Path file : files) {
        results.add(client.upload(file, bar == null ? n -> {} : bar::stepBy));
      }
    }
    // printed once the bar is closed, so that its redrawing does not interleave with the report
    UploadSummary summary = new UploadSummary();
    for (int i = 0; i < files.size(); i++) {
      summary.add(files.get(i), results.get(i), out, err, verbose);
    }
    summary.print(out);
    return summary.failed() ? 1 : 0;
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      return 0; // reported when the upload tries to read it
    }
  }

  private static ProgressBar progressBar(long totalBytes) {
    ProgressBarBuilder bar =
        new ProgressBarBuilder()
            .setTaskName("Uploading")
            .setInitialMax(Math.max(1, totalBytes))
            .setStyle(ProgressBarStyle.ASCII)
            .showSpeed();
    if (totalBytes >= MIB) {
      bar.setUnit(" MiB", MIB);
    } else if (totalBytes >= KIB) {
      bar.setUnit(" KiB", KIB);
    } else {
      bar.setUnit(" B", 1);
    }
    return bar.build();
  }
}
