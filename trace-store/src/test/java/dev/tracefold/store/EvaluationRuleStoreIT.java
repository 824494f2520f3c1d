package dev.tracefold.store;

import static dev.tracefold.store.TestTraces.newProject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.store.evaluation.EvaluationRule;
import dev.tracefold.store.evaluation.EvaluationRuleStore;
import dev.tracefold.store.evaluation.RuleDefinition;
import dev.tracefold.store.evaluation.RuleTurn;
import dev.tracefold.store.evaluation.TraceSelection;
import dev.tracefold.store.sql.ResourceTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link EvaluationRuleStore} against a real PostgreSQL. */
class EvaluationRuleStoreIT {
  @RegisterExtension static final TestDatabase database = new TestDatabase();
  private static EvaluationRuleStore rules;

  @BeforeAll
  static void start() {
    rules = database.store().evaluationRules();
  }

  @Test
  void createsFindsUpdatesAndDeletesARule() {
    String project = newProject();
    RuleDefinition last =
        new RuleDefinition(
            "slow failures",
            true,
            TraceSelection.of(Map.of("status", List.of("ERROR"), "tags", List.of("a", "b")), 12.5),
            RuleTurn.LAST,
            300_000);

    EvaluationRule created = rules.create(project, last);

    assertThat(created.projectId()).isEqualTo(project);
    assertThat(created.id()).hasSize(36);
    assertThat(created.definition()).isEqualTo(last);
    assertThat(created.updatedEpochMillis()).isEqualTo(created.createdEpochMillis());
    assertThat(rules.find(project, created.id())).contains(created);

    RuleDefinition every =
        new RuleDefinition("all", false, TraceSelection.of(Map.of(), 100), RuleTurn.EVERY, 0);
    EvaluationRule updated = rules.update(project, created.id(), every).orElseThrow();

    assertThat(updated.id()).isEqualTo(created.id());
    assertThat(updated.definition()).isEqualTo(every);
    assertThat(updated.createdEpochMillis()).isEqualTo(created.createdEpochMillis());
    assertThat(updated.updatedEpochMillis()).isGreaterThanOrEqualTo(created.createdEpochMillis());
    assertThat(rules.find(project, created.id())).contains(updated);

    assertThat(rules.delete(project, created.id())).isTrue();
    assertThat(rules.find(project, created.id())).isEmpty();
    assertThat(rules.delete(project, created.id())).isFalse();
    assertThat(rules.update(project, created.id(), every)).isEmpty();
  }

  @Test
  void aProjectHoldsAtMostAThousandRules() {
    // issue #12: no cap, and the sink judges every enabled rule on every completion
    String project = newProject();
    for (int i = 0; i < ResourceTable.MAX_PER_PROJECT; i++) {
      rules.create(project, definition("rule " + i, true));
    }

    assertThatThrownBy(() -> rules.create(project, definition("one too many", true)))
        .isInstanceOf(ResourceLimitException.class)
        .hasMessage(
            "project '"
                + project
                + "' already has 1000 evaluation rules, the most one project may have; delete"
                + " some first");
    assertThat(rules.list(project, 1, 500).hasMore()).isTrue();
    rules.delete(project, rules.list(project, 1, 1).items().get(0).id());
    assertThat(rules.create(project, definition("room again", true)).definition().name())
        .isEqualTo("room again");
    // another project is not affected
    assertThat(rules.create(newProject(), definition("elsewhere", true))).isNotNull();
  }

  @Test
  void anotherProjectNeverSeesNorChangesARule() {
    String project = newProject();
    String other = newProject();
    EvaluationRule rule = rules.create(project, definition("mine", true));

    assertThat(rules.find(other, rule.id())).isEmpty();
    assertThat(rules.update(other, rule.id(), definition("theirs", true))).isEmpty();
    assertThat(rules.delete(other, rule.id())).isFalse();
    assertThat(rules.list(other, 1, 10).items()).isEmpty();
    assertThat(rules.find(project, rule.id())).contains(rule);
  }

  @Test
  void listsAProjectsRulesOldestFirstInPages() {
    String project = newProject();
    List<String> ids = new ArrayList<>();
    for (int n = 1; n <= 5; n++) {
      ids.add(rules.create(project, definition("rule " + n, n % 2 == 0)).id());
    }

    Page<EvaluationRule> first = rules.list(project, 1, 2);
    Page<EvaluationRule> second = rules.list(project, 2, 2);
    Page<EvaluationRule> third = rules.list(project, 3, 2);

    assertThat(first.hasMore()).isTrue();
    assertThat(second.hasMore()).isTrue();
    assertThat(third.hasMore()).isFalse();
    List<String> listed = new ArrayList<>();
    for (Page<EvaluationRule> page : List.of(first, second, third)) {
      page.items().forEach(rule -> listed.add(rule.id()));
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(ids).hasSize(5);
    assertThat(rules.list(project, 4, 2).items()).isEmpty();
  }

  @Test
  void listsTheEnabledRulesOfEveryProjectByProjectThenId() {
    String projectA = newProject();
    String projectB = newProject();
    EvaluationRule enabledA = rules.create(projectA, definition("on", true));
    EvaluationRule disabledA = rules.create(projectA, definition("off", false));
    EvaluationRule enabledB = rules.create(projectB, definition("on", true));
    EvaluationRule laterDisabledB = rules.create(projectB, definition("soon off", true));
    rules.update(projectB, laterDisabledB.id(), definition("soon off", false));

    List<EvaluationRule> enabled =
        rules.listEnabled().stream()
            .filter(r -> r.projectId().equals(projectA) || r.projectId().equals(projectB))
            .toList();

    assertThat(enabled).containsExactlyInAnyOrder(enabledA, enabledB);
    assertThat(enabled.get(0).projectId()).isEqualTo(min(projectA, projectB));
    assertThat(enabled).doesNotContain(disabledA);
  }

  private static String min(String a, String b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static RuleDefinition definition(String name, boolean enabled) {
    return new RuleDefinition(
        name,
        enabled,
        TraceSelection.of(Map.of("status", List.of("ERROR")), 50),
        RuleTurn.FIRST,
        0);
  }
}
