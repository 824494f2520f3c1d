package dev.tracefold.cli;

import static dev.tracefold.gateway.otlp.OtlpRequests.newTraceId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.gateway.GatewaySettings;
import dev.tracefold.gateway.GatewayTestInfra;
import dev.tracefold.gateway.IngestGateway;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tracefold upload} end to end: the command line against a real gateway, embedded broker and
 * PostgreSQL; stored spans read back from {@code tracefold.spans}.
 */
class UploadCommandIT {
  @TempDir static Path dataDir;
  @TempDir Path files;

  private static GatewayTestInfra infra;
  private static IngestGateway gateway;
  private static String cliKey;
  private static String defaultKey;

  @BeforeAll
  static void start() {
    infra = GatewayTestInfra.start(dataDir);
    gateway = infra.startGateway(GatewaySettings.defaults().withPorts(0, 0, 0));
    cliKey = infra.apiKey("cli-proj");
    defaultKey = infra.apiKey("default");
  }

  @AfterAll
  static void stop() {
    if (infra != null) {
      infra.close();
    }
  }

  @Test
  void uploadsFilesReportsTheBadLineAndExitsOne() throws IOException {
    String first = newTraceId();
    String second = newTraceId();
    String third = newTraceId();
    Path jsonl =
        write(
            "runs.jsonl",
            "{\"id\": \""
                + first
                + "\", \"name\": \"one\", \"spans\": [{\"name\": \"s\"}]}\n"
                + "{\"id\": \"bad\", \"name\": \"two\", \"spans\": [{\"name\": \"s\", \"kind\":"
                + " \"robot\"}]}\n"
                + "{\"id\": \""
                + second
                + "\", \"name\": \"three\"}\n");
    Path json = write("more.json", "[{\"id\": \"" + third + "\", \"name\": \"four\"}]");

    Run run =
        run(
            "upload",
            "--url",
            url(),
            "--api-key",
            cliKey,
            "--no-progress",
            "-v",
            jsonl.toString(),
            json.toString());

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.out)
        .isEqualTo(
            jsonl
                + ": 2 traces stored (3 spans), 1 error\n"
                + "  "
                + first
                + "\n"
                + "  "
                + second
                + "\n"
                + json
                + ": 1 trace stored (1 span), 0 errors\n"
                + "  "
                + third
                + "\n"
                + "Uploaded 3 traces (4 spans) from 2 files; 1 error\n");
    assertThat(run.err)
        .isEqualTo(
            jsonl
                + ":2: /spans/0/kind: does not have a value in the enumeration [\"llm\", \"tool\","
                + " \"retrieval\", \"chain\", \"other\"] (enum)\n");
    assertThat(infra.reader().awaitTrace(first, 2))
        .extracting(ConsumerRecord::key)
        .containsOnly("cli-proj/" + first);
    assertThat(infra.reader().awaitTrace(second, 1)).hasSize(1);
    assertThat(infra.reader().awaitTrace(third, 1)).hasSize(1);
  }

  @Test
  void cleanUploadExitsZero() throws IOException {
    String id = newTraceId();
    Path file = write("ok.ndjson", "{\"id\": \"" + id + "\", \"name\": \"fine\"}\n");

    Run run = run("upload", "--url", url() + "/", "--api-key", defaultKey, file.toString());

    assertThat(run.exitCode).isEqualTo(0);
    assertThat(run.out)
        .isEqualTo(
            file
                + ": 1 trace stored (1 span), 0 errors\n"
                + "Uploaded 1 trace (1 span) from 1 file; 0 errors\n");
    assertThat(infra.reader().awaitTrace(id, 1))
        .extracting(ConsumerRecord::key)
        .containsOnly("default/" + id);
  }

  @Test
  void filesThatCannotBeSentAreReportedAndExitOne() throws IOException {
    Path missing = files.resolve("missing.jsonl");
    Path wrongName = write("notes.txt", "{}");

    Run run =
        run(
            "upload",
            "--url",
            url(),
            "--api-key",
            defaultKey,
            "--no-progress",
            missing.toString(),
            wrongName.toString());

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.err)
        .isEqualTo(
            missing
                + ": not uploaded: cannot read the file\n"
                + wrongName
                + ": not uploaded: name the file .json (one trace or an array) or .jsonl (one trace"
                + " per line)\n");
    assertThat(run.out)
        .isEqualTo("Uploaded 0 traces (0 spans) from 0 files; 0 errors, 2 files not uploaded\n");
  }

  @Test
  void aRefusedRequestIsReportedWithTheGatewaysMessage() throws IOException {
    Path file = write("bad.json", "{\"id\": ");

    Run run =
        run("upload", "--url", url(), "--api-key", defaultKey, "--no-progress", file.toString());

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.err)
        .isEqualTo(
            file
                + ": not uploaded: HTTP 400: body is not valid JSON: Unexpected end-of-input"
                + " within/between Object entries (line 1, column 8)\n");
  }

  @Test
  void withoutAValidKeyTheUploadIsRefused() throws IOException {
    Path file = write("nokey.jsonl", "{\"id\": \"" + newTraceId() + "\", \"name\": \"x\"}\n");

    Run run =
        run(
            "upload",
            "--url",
            url(),
            "--api-key",
            "tf_notAValidKey000000000000000000",
            "--no-progress",
            file.toString());

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.err).startsWith(file + ": not uploaded: HTTP 401: ");
  }

  private String url() {
    return "http://localhost:" + gateway.apiPort();
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(files.resolve(name), content);
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        new CommandLine(TracefoldCli.class)
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  private record Run(int exitCode, String out, String err) {}
}
