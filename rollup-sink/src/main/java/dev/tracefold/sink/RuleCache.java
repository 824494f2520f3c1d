package dev.tracefold.sink;

import dev.tracefold.store.TraceStore;
import dev.tracefold.store.evaluation.AnnotationQueue;
import dev.tracefold.store.evaluation.EvaluationRule;
import dev.tracefold.store.evaluation.RuleTurn;
import dev.tracefold.store.evaluation.TraceSelection;
import dev.tracefold.store.query.InvalidFilterException;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.query.TraceFilterParams;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enabled evaluation rules and annotation queues of every project, read from the store on start
 * and again every {@link SinkSettings#rulesRefreshInterval()} on its own thread ({@code
 * tracefold-sink-rules}), so that a change made through the API applies within that interval,
 * without a restart. A failed refresh keeps the previous snapshot and is logged. Each filter is
 * parsed when read ({@link TraceFilterParams}: a relative {@code time_range} counts back from that
 * moment); a stored filter that no longer parses is logged and its rule or queue skipped.
 *
 * <p>Thread-safe: readers see one immutable snapshot.
 */
final class RuleCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RuleCache.class);

  /** An enabled rule with its parsed filter. */
  record ActiveRule(EvaluationRule rule, TraceFilter filter) {}

  /** An enabled queue with its parsed filter. */
  record ActiveQueue(AnnotationQueue queue, TraceFilter filter) {}

  /** What one project has enabled. */
  record ProjectSelectors(List<ActiveRule> rules, List<ActiveQueue> queues) {
    static final ProjectSelectors NONE = new ProjectSelectors(List.of(), List.of());
  }

  private final TraceStore store;
  private final Duration refreshInterval;
  private final Clock clock;
  private final ScheduledExecutorService refresher;
  private volatile Map<String, ProjectSelectors> snapshot; // null until the first load

  RuleCache(TraceStore store, Duration refreshInterval, Clock clock) {
    this.store = store;
    this.refreshInterval = refreshInterval;
    this.clock = clock;
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "tracefold-sink-rules");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts refreshing: at once, then every interval. */
  void start() {
    refresher.scheduleWithFixedDelay(
        this::refreshQuietly, 0, refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The rules and queues of a project.
   *
   * @throws IllegalStateException if nothing was loaded yet (the store was never reachable): a
   *     completed trace must not be judged against an unknown rule set
   */
  ProjectSelectors forProject(String projectId) {
    return loaded().getOrDefault(projectId, ProjectSelectors.NONE);
  }

  /** Whether the project has this rule, enabled and of turn last. */
  boolean isActiveLastRule(String projectId, String ruleId) {
    return forProject(projectId).rules().stream()
        .anyMatch(
            active ->
                active.rule().id().equals(ruleId)
                    && active.rule().definition().turn() == RuleTurn.LAST);
  }

  /** True once a snapshot was loaded. */
  boolean isLoaded() {
    return snapshot != null;
  }

  /**
   * Reads rules and queues from the store now and replaces the snapshot.
   *
   * @throws dev.tracefold.store.TraceStoreException if the database fails (the snapshot stays)
   */
  void refresh() {
    List<EvaluationRule> rules = store.evaluationRules().listEnabled();
    List<AnnotationQueue> queues = store.annotationQueues().listEnabled();
    Map<String, List<ActiveRule>> rulesByProject = new HashMap<>();
    for (EvaluationRule rule : rules) {
      filter(rule.definition().selection(), "rule " + rule.id())
          .ifPresent(
              filter ->
                  rulesByProject
                      .computeIfAbsent(rule.projectId(), p -> new ArrayList<>())
                      .add(new ActiveRule(rule, filter)));
    }
    Map<String, List<ActiveQueue>> queuesByProject = new HashMap<>();
    for (AnnotationQueue queue : queues) {
      filter(queue.definition().selection(), "annotation queue " + queue.id())
          .ifPresent(
              filter ->
                  queuesByProject
                      .computeIfAbsent(queue.projectId(), p -> new ArrayList<>())
                      .add(new ActiveQueue(queue, filter)));
    }
    Map<String, ProjectSelectors> next = new HashMap<>();
    rulesByProject.forEach(
        (project, list) ->
            next.put(
                project,
                new ProjectSelectors(
                    List.copyOf(list),
                    List.copyOf(queuesByProject.getOrDefault(project, List.of())))));
    queuesByProject.forEach(
        (project, list) ->
            next.putIfAbsent(project, new ProjectSelectors(List.of(), List.copyOf(list))));
    boolean first = snapshot == null;
    snapshot = Map.copyOf(next);
    if (first) {
      log.info("Loaded {} evaluation rules and {} annotation queues", rules.size(), queues.size());
    }
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      log.warn(
          "Cannot refresh evaluation rules and annotation queues; keeping the previous ones: {}",
          e.toString());
    }
  }

  private Optional<TraceFilter> filter(TraceSelection selection, String owner) {
    try {
      return Optional.of(TraceFilterParams.parse(selection.filterParams(), clock.instant()));
    } catch (InvalidFilterException e) {
      log.error("The stored filter of {} is invalid; skipping it: {}", owner, e.getMessage());
      return Optional.empty();
    }
  }

  private Map<String, ProjectSelectors> loaded() {
    Map<String, ProjectSelectors> current = snapshot;
    if (current == null) {
      throw new IllegalStateException(
          "Evaluation rules are not loaded yet (the store has not answered)");
    }
    return current;
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
