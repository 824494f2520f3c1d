package dev.tracefold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each runnable module's {@code logback.xml} logs one line per event to the console, as text by
 * default and as one JSON object per line with {@code TRACEFOLD_LOG_FORMAT=json} (set here as a
 * logback context property, which logback looks up before the environment); chatty libraries stay
 * at WARN; and the module has logback at run time.
 */
class LoggingConfigurationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(
      strings = {"ingest-gateway", "completion-stream", "rollup-sink", "trace-api", "standalone"})
  void textByDefaultJsonOnRequestOneLinePerEvent(String module) throws Exception {
    assertThat(ServiceModules.isRunnable(module)).isTrue();
    assertThat(RepositoryFiles.text(module + "/pom.xml"))
        .as("%s has logback at run time", module)
        .containsPattern("<artifactId>logback-classic</artifactId>\\s*<scope>runtime</scope>");
    Path config = RepositoryFiles.file(module + "/src/main/resources/logback.xml");

    Logged textLogged = log(config, null);
    // a warning or error would make logback print its whole status at every start
    assertThat(textLogged.highestStatus())
        .as("highest logback status level")
        .isLessThan(Status.WARN);
    List<String> text = textLogged.lines();
    assertThat(text).hasSize(1);
    assertThat(text.get(0))
        .matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S+ INFO  \\[main\\] tracefold\\.test - Created topic tracefold\\.spans");

    Logged jsonLogged = log(config, "json");
    assertThat(jsonLogged.highestStatus())
        .as("highest logback status level")
        .isLessThan(Status.WARN);
    List<String> json = jsonLogged.lines();
    assertThat(json).hasSize(1);
    JsonNode event = JSON.readTree(json.get(0));
    assertThat(event.path("level").asText()).isEqualTo("INFO");
    assertThat(event.path("loggerName").asText()).isEqualTo("tracefold.test");
    assertThat(event.path("threadName").asText()).isEqualTo("main");
    assertThat(event.path("message").asText()).isEqualTo("Created topic {}");
    assertThat(event.path("formattedMessage").asText()).isEqualTo("Created topic tracefold.spans");
    assertThat(event.path("timestamp").asLong()).isPositive();
  }

  @Test
  void anUnknownFormatIsReportedAtStartNamingTheMissingFile() throws Exception {
    Logged logged = log(RepositoryFiles.file("standalone/src/main/resources/logback.xml"), "xml");
    // logback prints its status on the console at start-up when a warning or error occurred
    assertThat(logged.highestStatus()).isGreaterThanOrEqualTo(Status.WARN);
    assertThat(logged.statuses())
        .anyMatch(
            m ->
                m.contains(
                    "Could not find resource corresponding to [dev/tracefold/service/logback-xml.xml]"));
    assertThat(logged.lines()).as("nothing logged without an appender").isEmpty();
  }

  /** Console lines written, and logback's own status messages while configuring. */
  private record Logged(List<String> lines, int highestStatus, List<String> statuses) {}

  /** Configures a fresh logger context from {@code config}, logs, and returns what it wrote. */
  private static Logged log(Path config, String format) throws JoranException {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    if (format != null) {
      context.putProperty("TRACEFOLD_LOG_FORMAT", format);
    }
    PrintStream console = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(config.toFile());
      Logger logger = context.getLogger("tracefold.test");
      logger.info("Created topic {}", "tracefold.spans");
      context.getLogger("org.apache.kafka.clients.NetworkClient").info("chatty client line");
      logger.debug("below the root level");
    } finally {
      context.stop();
      System.setOut(console);
    }
    return new Logged(
        captured.toString(StandardCharsets.UTF_8).lines().toList(),
        new StatusUtil(context).getHighestLevel(0),
        context.getStatusManager().getCopyOfStatusList().stream().map(Object::toString).toList());
  }
}
