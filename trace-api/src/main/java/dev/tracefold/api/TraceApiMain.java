package dev.tracefold.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.tracefold.service.MeterRegistries;
import dev.tracefold.store.RetentionJob;
import dev.tracefold.store.RetentionSettings;
import dev.tracefold.store.StoreSettings;
import dev.tracefold.store.TraceStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the trace API on its own: loads the configuration ({@code tracefold.api.*}, {@code
 * tracefold.store.*}, each overridable by environment variables), opens the trace store (which
 * migrates the schema), starts the API ({@link TraceApi}), trace-store's retention job and the
 * score-pending gauge ({@link ScorePendingMonitor}), and closes everything on JVM shutdown. Needs
 * PostgreSQL only, no Kafka.
 */
public final class TraceApiMain {
  private static final Logger log = LoggerFactory.getLogger(TraceApiMain.class);

  private TraceApiMain() {}

  /** Entry point; takes no arguments. */
  public static void main(String[] args) {
    Config config = ConfigFactory.load();
    TraceApiSettings settings = TraceApiSettings.from(config);
    ApiSettings jobs = ApiSettings.from(config);
    RetentionSettings retentionSettings = RetentionSettings.from(config);
    StoreSettings storeSettings = StoreSettings.from(config);
    log.info(
        "Starting trace API with {}, {}, {}, store {}",
        settings,
        jobs,
        retentionSettings,
        storeSettings);
    PrometheusMeterRegistry registry = MeterRegistries.newPrometheusRegistry();
    TraceStore store = TraceStore.open(storeSettings, registry);
    TraceApi api;
    try {
      api = TraceApi.start(settings, store, registry);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    // the read API's owner deletes expired traces (tracefold.store.retention-*) and counts the
    // triggers waiting for a score (tracefold.api.score-pending-age)
    RetentionJob retention = RetentionJob.start(store, retentionSettings);
    ScorePendingMonitor scorePending = ScorePendingMonitor.start(store, registry, jobs);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  scorePending.close();
                  retention.close();
                  api.close();
                  store.close();
                },
                "tracefold-trace-api-shutdown"));
  }
}
