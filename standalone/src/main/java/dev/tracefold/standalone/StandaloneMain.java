package dev.tracefold.standalone;

import com.typesafe.config.ConfigFactory;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of {@code java -jar standalone/target/tracefold-standalone.jar}: starts the {@link
 * StandalonePipeline} and stops it cleanly on Ctrl-C (SIGINT) or SIGTERM.
 */
public final class StandaloneMain {
  private StandaloneMain() {}

  public static void main(String[] args) throws InterruptedException {
    StandalonePipeline pipeline = StandalonePipeline.unstarted();
    CountDownLatch stopped = new CountDownLatch(1);
    // registered before anything starts: a SIGTERM during start-up stops what had started
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  pipeline.close();
                  stopped.countDown();
                },
                "tracefold-shutdown"));
    pipeline.startUp(ConfigFactory.load());
    stopped.await();
  }
}
