package dev.tracefold.bench;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.net.URL;

/**
 * Configures logback for the benchmarks from {@code dev/tracefold/bench/logback-bench.xml} (logs on
 * standard error), found as a {@code ServiceLoader} service before logback looks for {@code
 * logback.xml}: the classpath holds two of those (the standalone jar has one), and logback reports
 * that on standard output, where the Markdown report goes. Where a {@code logback-test.xml} is on
 * the classpath (the tests), logback's own lookup runs instead.
 */
public final class BenchLogbackConfigurator extends ContextAwareBase implements Configurator {
  static final String RESOURCE = "dev/tracefold/bench/logback-bench.xml";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    ClassLoader loader = BenchLogbackConfigurator.class.getClassLoader();
    URL config = loader.getResource(RESOURCE);
    if (loader.getResource("logback-test.xml") != null || config == null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    try {
      joran.doConfigure(config);
      return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    } catch (JoranException e) {
      addError("Cannot configure logback from " + config, e);
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
  }
}
