package dev.tracefold.completion;

import com.typesafe.config.Config;
import dev.tracefold.service.Durations;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Root-aware completion ({@code tracefold.completion.root-aware}, {@code root-grace}, {@code
 * project-root-graces}, {@code quiet-window-only-projects}): a trace whose root span has arrived,
 * and every arrived span's parent too, completes {@code root-grace} after the later of the root's
 * and the last span's arrival (reason {@code ROOT}); a native JSON document's trace completes once
 * all its spans arrived ({@code DOCUMENT}). Immutable.
 *
 * @param enabled false: every project completes on its quiet window only
 * @param rootGrace how long after the root (or a later span) a root-complete trace completes
 * @param projectRootGraces per-project overrides of {@code rootGrace}
 * @param quietWindowOnlyProjects projects that complete on their quiet window only
 */
public record RootAwareSettings(
    boolean enabled,
    Duration rootGrace,
    Map<String, Duration> projectRootGraces,
    Set<String> quietWindowOnlyProjects) {

  /** Root-aware completion off everywhere (quiet windows only). */
  public static final RootAwareSettings OFF =
      new RootAwareSettings(false, Duration.ofSeconds(10), Map.of(), Set.of());

  public RootAwareSettings {
    Objects.requireNonNull(rootGrace, "rootGrace");
    projectRootGraces = Map.copyOf(projectRootGraces);
    quietWindowOnlyProjects = Set.copyOf(quietWindowOnlyProjects);
    if (rootGrace.isNegative()) {
      throw new IllegalArgumentException("tracefold.completion.root-grace must not be negative");
    }
  }

  /** Root-aware completion on for every project, with {@code rootGrace}. */
  public static RootAwareSettings on(Duration rootGrace) {
    return new RootAwareSettings(true, rootGrace, Map.of(), Set.of());
  }

  /** Reads {@code tracefold.completion.root-aware}, {@code root-grace} and the per-project ones. */
  static RootAwareSettings from(Config config) {
    Config c = config.getConfig("tracefold.completion");
    Map<String, Duration> perProject = new HashMap<>();
    Config overrides = c.getConfig("project-root-graces");
    for (String project : overrides.root().keySet()) {
      perProject.put(project, Durations.get(overrides, "\"" + project + "\""));
    }
    List<String> quietOnly = c.getStringList("quiet-window-only-projects");
    return new RootAwareSettings(
        c.getBoolean("root-aware"),
        Durations.get(config, "tracefold.completion.root-grace"),
        perProject,
        Set.copyOf(quietOnly));
  }

  /** Whether a project's traces may complete on their root or document. */
  public boolean appliesTo(String projectId) {
    return enabled && !quietWindowOnlyProjects.contains(projectId);
  }

  /** The root grace of one project: its override, else the global one. */
  public Duration rootGraceFor(String projectId) {
    return projectRootGraces.getOrDefault(projectId, rootGrace);
  }
}
