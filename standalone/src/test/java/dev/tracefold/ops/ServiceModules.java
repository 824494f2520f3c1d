package dev.tracefold.ops;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the Tracefold modules read, from their sources: the environment variables (the {@code
 * ${?TRACEFOLD_...}} overrides of {@code reference.conf}, and {@code ${TRACEFOLD_...}} in logback
 * configuration files under {@code src/main/resources}), the ports they listen on, and which
 * Tracefold modules each depends on at run time (so a service reads its dependencies' settings
 * too). Stateless.
 */
public final class ServiceModules {
  private static final Pattern CONF_OVERRIDE = Pattern.compile("\\$\\{\\?(TRACEFOLD_[A-Z0-9_]+)}");
  private static final Pattern LOGBACK_VARIABLE =
      Pattern.compile("\\$\\{(TRACEFOLD_[A-Z0-9_]+)(:-[^}]*)?}");
  private static final Pattern DEPENDENCY =
      Pattern.compile(
          "<dependency>\\s*<groupId>dev\\.tracefold</groupId>\\s*<artifactId>([a-z-]+)</artifactId>"
              + "(?:(?!</dependency>).)*</dependency>",
          Pattern.DOTALL);

  private ServiceModules() {}

  /** Environment variables that any module reads, sorted. */
  public static Set<String> allVariables() {
    Set<String> all = new TreeSet<>();
    try (Stream<Path> modules = Files.list(RepositoryFiles.root())) {
      for (Path module : modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml"))).toList()) {
        all.addAll(ownVariables(module.getFileName().toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  /** True if {@code module} is a folder of the reactor with a {@code *Main} class. */
  static boolean isRunnable(String module) {
    Path sources = RepositoryFiles.root().resolve(module).resolve("src/main/java");
    if (!Files.isDirectory(sources)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(sources)) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith("Main.java"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The ports the module's container image declares ({@code jib.container.ports} in its pom), or
   * empty if the module builds no image ({@code jib.skip} is not {@code false}).
   */
  static Set<Integer> imagePorts(String module) {
    String pom = read(RepositoryFiles.root().resolve(module).resolve("pom.xml"));
    Set<Integer> ports = new TreeSet<>();
    if (pom.contains("<jib.skip>false</jib.skip>")) {
      Matcher declared =
          Pattern.compile("<jib.container.ports>([0-9,]+)</jib.container.ports>").matcher(pom);
      if (declared.find()) {
        for (String port : declared.group(1).split(",")) {
          ports.add(Integer.parseInt(port));
        }
      }
    }
    return ports;
  }

  /** Environment variables {@code module} and its run-time Tracefold dependencies read. */
  static Set<String> variables(String module) {
    Set<String> read = new TreeSet<>();
    for (String each : withDependencies(module)) {
      read.addAll(ownVariables(each));
    }
    return read;
  }

  /**
   * Every {@code tracefold.*-port} setting of {@code module} and its dependencies, resolved with
   * {@code environment} as the only environment (the container's), e.g. {@code
   * tracefold.gateway.api-port -> 8080}.
   */
  static Map<String, Integer> ports(String module, Map<String, String> environment) {
    Config merged = ConfigFactory.empty();
    for (String each : withDependencies(module)) {
      Path conf = referenceConf(each);
      if (Files.isRegularFile(conf)) {
        merged = merged.withFallback(ConfigFactory.parseFile(conf.toFile()));
      }
    }
    // ${?NAME} looks NAME up at the root of the same tree (resolveWith mishandles this case)
    Config resolved =
        ConfigFactory.parseMap(environment)
            .withFallback(merged)
            .resolve(ConfigResolveOptions.noSystem());
    Map<String, Integer> ports = new TreeMap<>();
    resolved
        .entrySet()
        .forEach(
            entry -> {
              if (entry.getKey().startsWith("tracefold.")
                  && entry.getKey().endsWith("-port")
                  && entry.getValue().valueType() != ConfigValueType.OBJECT) {
                ports.put(entry.getKey(), resolved.getInt(entry.getKey()));
              }
            });
    return ports;
  }

  /**
   * {@code module} first, then its Tracefold dependencies that are not test-scoped, transitively.
   */
  static Set<String> withDependencies(String module) {
    Set<String> all = new LinkedHashSet<>();
    collect(module, all);
    return all;
  }

  private static void collect(String module, Set<String> into) {
    if (!into.add(module)) {
      return;
    }
    Path pom = RepositoryFiles.root().resolve(module).resolve("pom.xml");
    if (!Files.isRegularFile(pom)) {
      throw new IllegalArgumentException("No module " + module + " (no " + pom + ")");
    }
    Matcher dependency = DEPENDENCY.matcher(read(pom));
    while (dependency.find()) {
      if (!dependency.group().contains("<scope>test</scope>")) {
        collect(dependency.group(1), into);
      }
    }
  }

  private static Set<String> ownVariables(String module) {
    Set<String> read = new TreeSet<>();
    Path conf = referenceConf(module);
    if (Files.isRegularFile(conf)) {
      Matcher m = CONF_OVERRIDE.matcher(read(conf));
      while (m.find()) {
        read.add(m.group(1));
      }
    }
    Path resources = RepositoryFiles.root().resolve(module).resolve("src/main/resources");
    if (Files.isDirectory(resources)) {
      try (Stream<Path> files = Files.walk(resources)) {
        for (Path xml : files.filter(f -> f.toString().endsWith(".xml")).toList()) {
          Matcher m = LOGBACK_VARIABLE.matcher(read(xml));
          while (m.find()) {
            read.add(m.group(1));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return read;
  }

  private static Path referenceConf(String module) {
    return RepositoryFiles.root().resolve(module).resolve("src/main/resources/reference.conf");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
