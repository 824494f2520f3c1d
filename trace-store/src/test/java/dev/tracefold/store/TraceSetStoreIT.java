package dev.tracefold.store;

import static dev.tracefold.store.TestTraces.newProject;
import static dev.tracefold.store.TestTraces.root;
import static dev.tracefold.store.TestTraces.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefold.schemas.SpanStatus;
import dev.tracefold.store.query.TraceFilter;
import dev.tracefold.store.set.TraceSet;
import dev.tracefold.store.set.TraceSetMembers;
import dev.tracefold.store.set.TraceSetStore;
import dev.tracefold.store.set.UnknownTracesException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TraceSetStore} against a real PostgreSQL. */
class TraceSetStoreIT {
  @RegisterExtension static final TestDatabase database = new TestDatabase();
  private static TraceStore store;
  private static TraceSetStore sets;

  @BeforeAll
  static void start() {
    store = database.store();
    sets = store.traceSets();
  }

  @Test
  void freezesTheNewestMatchingTracesOfAFilter() {
    String project = newProject();
    for (int n = 1; n <= 5; n++) {
      store.writeSpans(
          List.of(
              TestTraces.span(project, traceId(n), 1, null, n * 1000L)
                  .setStatus(n % 2 == 1 ? SpanStatus.ERROR : SpanStatus.OK)
                  .build()));
    }
    TraceFilter failed = TraceFilter.builder().statuses(List.of(SpanStatus.ERROR)).build();

    TraceSet set =
        sets.createFromFilter(
            project, "failures", "odd ones", failed, "{\"status\": [\"ERROR\"]}", 2);
    store.writeSpans(
        List.of(
            TestTraces.span(project, traceId(7), 1, null, 9000)
                .setStatus(SpanStatus.ERROR)
                .build()));

    assertThat(set.name()).isEqualTo("failures");
    assertThat(set.description()).isEqualTo("odd ones");
    assertThat(set.filterParams()).isEqualTo("{\"status\": [\"ERROR\"]}");
    assertThat(set.traceCount()).isEqualTo(2);
    TraceSetMembers members = sets.findSet(project, set.id(), 1, 10).orElseThrow();
    assertThat(members.set()).isEqualTo(set);
    assertThat(members.traceIds()).containsExactly(traceId(5), traceId(3));
    assertThat(members.traces())
        .extracting(t -> t.rollup().getTraceId())
        .containsExactly(traceId(5), traceId(3));
    assertThat(members.missingTraceIds()).isEmpty();
    TraceSet empty =
        sets.createFromFilter(
            project,
            "none",
            null,
            TraceFilter.builder().name("nothing like it").build(),
            "{\"name\": [\"nothing like it\"]}",
            10);
    assertThat(empty.traceCount()).isZero();
    assertThat(sets.findSet(project, empty.id(), 1, 10).orElseThrow().traceIds()).isEmpty();
  }

  @Test
  void keepsTheGivenIdsInOrderAndListsDeletedOnesAsMissing() {
    String project = newProject();
    for (int n = 1; n <= 4; n++) {
      store.writeSpans(List.of(root(project, traceId(n), 1, n)));
    }

    TraceSet set =
        sets.createFromIds(
            project, "picked", null, List.of(traceId(3), traceId(1), traceId(3), traceId(4)));
    store.curation().deleteTrace(project, traceId(1));

    assertThat(set.traceCount()).isEqualTo(3);
    assertThat(set.filterParams()).isNull();
    TraceSetMembers first = sets.findSet(project, set.id(), 1, 2).orElseThrow();
    TraceSetMembers second = sets.findSet(project, set.id(), 2, 2).orElseThrow();
    assertThat(first.traceIds()).containsExactly(traceId(3), traceId(1));
    assertThat(first.traces()).extracting(t -> t.rollup().getTraceId()).containsExactly(traceId(3));
    assertThat(first.missingTraceIds()).containsExactly(traceId(1));
    assertThat(second.traceIds()).containsExactly(traceId(4));
  }

  @Test
  void refusesIdsTheProjectDoesNotHaveAndStoresNothing() {
    String project = newProject();
    String other = newProject();
    store.writeSpans(List.of(root(project, traceId(1), 1, 0), root(other, traceId(2), 1, 0)));

    assertThatThrownBy(
            () ->
                sets.createFromIds(
                    project, "bad", null, List.of(traceId(1), traceId(2), traceId(9))))
        .isInstanceOfSatisfying(
            UnknownTracesException.class,
            e -> assertThat(e.traceIds()).containsExactly(traceId(2), traceId(9)))
        .hasMessage(
            "2 trace ids are not traces of project "
                + project
                + ": "
                + traceId(2)
                + ", "
                + traceId(9));
    assertThat(sets.listSets(project, 1, 10).items()).isEmpty();
    assertThatThrownBy(() -> sets.createFromIds(project, "none", null, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a trace set needs 1 to 10000 trace ids, got 0");
  }

  @Test
  void listsAProjectsSetsOnlyAndPagesThem() {
    String project = newProject();
    store.writeSpans(List.of(root(project, traceId(1), 1, 0)));
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      created.add(sets.createFromIds(project, "set " + i, null, List.of(traceId(1))).id());
    }

    Page<TraceSet> first = sets.listSets(project, 1, 2);
    Page<TraceSet> second = sets.listSets(project, 2, 2);

    assertThat(first.items()).hasSize(2);
    assertThat(first.hasMore()).isTrue();
    assertThat(second.items()).hasSize(1);
    assertThat(second.hasMore()).isFalse();
    List<String> listed = new ArrayList<>();
    first.items().forEach(s -> listed.add(s.id()));
    second.items().forEach(s -> listed.add(s.id()));
    assertThat(listed).containsExactlyInAnyOrderElementsOf(created);
    assertThat(sets.listSets(newProject(), 1, 10).items()).isEmpty();
    assertThat(sets.findSet(newProject(), created.get(0), 1, 10)).isEmpty();
  }
}
