package dev.tracefold.bench;

import com.typesafe.config.ConfigFactory;
import dev.tracefold.standalone.StandalonePipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main class of {@link PipelineBench}'s child JVM: starts the real {@link StandalonePipeline}
 * with the configuration {@link PipelineProcess} passes as {@code -Dtracefold.*} system properties
 * (read by {@code ConfigFactory.load()}, as {@code StandaloneMain} reads it), writes its endpoints
 * to {@code <data dir>/}{@value #ENDPOINTS_FILE}, and runs until its standard input ends (the
 * parent closed it, or died), then closes the pipeline (PostgreSQL's processes included) and exits.
 */
public final class PipelineChild {
  /** The file, in the data directory, that tells the parent where the pipeline listens. */
  static final String ENDPOINTS_FILE = "bench-endpoints.properties";

  private static final Logger log = LoggerFactory.getLogger(PipelineChild.class);

  private PipelineChild() {}

  /**
   * @param args the data directory (the same as {@code tracefold.standalone.data-dir})
   */
  public static void main(String[] args) {
    Path dataDir = Path.of(args[0]);
    StandalonePipeline pipeline;
    try {
      pipeline = StandalonePipeline.start(ConfigFactory.load());
    } catch (RuntimeException e) {
      log.error("The pipeline did not start", e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "bench-pipeline-shutdown"));
    try {
      writeEndpoints(pipeline, dataDir.resolve(ENDPOINTS_FILE));
      drain(System.in);
    } catch (RuntimeException e) {
      log.error("The pipeline child failed", e);
    } finally {
      log.info("Standard input closed: stopping the pipeline");
      pipeline.close();
    }
    System.exit(0);
  }

  private static void writeEndpoints(StandalonePipeline pipeline, Path file) {
    Properties p = new Properties();
    p.setProperty("otlp-http-port", Integer.toString(pipeline.otlpHttpPort()));
    p.setProperty("api-port", Integer.toString(pipeline.apiPort()));
    p.setProperty("kafka-bootstrap-servers", pipeline.kafkaBootstrapServers());
    p.setProperty("store-jdbc-url", pipeline.storeSettings().jdbcUrl());
    p.setProperty("store-username", pipeline.storeSettings().username());
    p.setProperty("store-password", pipeline.storeSettings().password());
    p.setProperty("api-key", pipeline.developmentApiKey().orElse(""));
    Path temporary = file.resolveSibling(ENDPOINTS_FILE + ".tmp");
    try (OutputStream out = Files.newOutputStream(temporary)) {
      p.store(out, "PipelineChild endpoints");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void drain(InputStream in) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // the parent never writes; end of input is the signal
      }
    } catch (IOException e) {
      log.warn("Reading standard input failed: {}", e.toString());
    }
  }
}
