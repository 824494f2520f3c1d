package dev.tracefold.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefold.api.SpanTree.Node;
import dev.tracefold.schemas.Span;
import dev.tracefold.schemas.SpanKind;
import dev.tracefold.schemas.SpanStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpanTreeTest {
  @Test
  void nestsByParentWithChildrenInStartOrder() {
    SpanTree tree =
        tree(
            span("a", null, 0),
            span("c", "a", 30),
            span("b", "a", 10),
            span("d", "b", 20),
            span("e", null, 5));

    assertThat(ids(tree.roots())).containsExactly("a", "e");
    Node a = tree.roots().get(0);
    assertThat(ids(a.children())).containsExactly("b", "c");
    assertThat(ids(a.children().get(0).children())).containsExactly("d");
    assertThat(a.children().get(0).children().get(0).depth()).isEqualTo(2);
    assertThat(ids(tree.inStartOrder())).containsExactly("a", "e", "b", "d", "c");
    assertThat(tree.inStartOrder()).noneMatch(n -> n.orphan() || n.cycleCut() || n.flattened());
  }

  @Test
  void wideTreesKeepEveryChildInStartOrder() {
    List<Span> spans = new ArrayList<>();
    spans.add(span("root", null, 0));
    for (int i = 999; i >= 0; i--) {
      spans.add(span(String.format("c%04d", i), "root", 1 + (i % 10)));
    }

    Node root = tree(spans.toArray(Span[]::new)).roots().get(0);

    assertThat(root.children()).hasSize(1000);
    assertThat(root.children()).extracting(n -> n.span().getStartEpochNanos()).isSorted();
    assertThat(root.children().subList(0, 3))
        .extracting(n -> n.span().getSpanId())
        .containsExactly("c0000", "c0010", "c0020");
  }

  @Test
  void deepChainsNestToTheLimitThenFlatten() {
    List<Span> spans = new ArrayList<>();
    spans.add(span("s00000", null, 0));
    for (int i = 1; i < 5000; i++) {
      spans.add(span(String.format("s%05d", i), String.format("s%05d", i - 1), i));
    }

    SpanTree tree = tree(spans.toArray(Span[]::new));

    Node node = tree.roots().get(0);
    for (int depth = 1; depth <= SpanTree.MAX_NESTING; depth++) {
      assertThat(node.children()).hasSize(1);
      node = node.children().get(0);
      assertThat(node.depth()).isEqualTo(depth);
      assertThat(node.flattened()).isFalse();
    }
    assertThat(node.children()).hasSize(5000 - 1 - SpanTree.MAX_NESTING);
    assertThat(node.children()).allMatch(n -> n.flattened() && n.children().isEmpty());
    assertThat(node.children().get(0).depth()).isEqualTo(SpanTree.MAX_NESTING + 1);
    assertThat(node.children().get(node.children().size() - 1).depth()).isEqualTo(4999);
    assertThat(tree.inStartOrder()).hasSize(5000);
  }

  @Test
  void orphansAreListedAtTheRootAndMarked() {
    SpanTree tree =
        tree(
            span("late-child", "missing", 5),
            span("root", null, 10),
            span("child", "root", 20),
            span("grandchild-of-orphan", "late-child", 30));

    assertThat(ids(tree.roots())).containsExactly("late-child", "root");
    Node orphan = tree.roots().get(0);
    assertThat(orphan.orphan()).isTrue();
    assertThat(ids(orphan.children())).containsExactly("grandchild-of-orphan");
    assertThat(tree.roots().get(1).orphan()).isFalse();
  }

  @Test
  void cyclesAreCutAtTheirEarliestSpanAndNothingIsLost() {
    SpanTree tree =
        tree(
            span("root", null, 0),
            // x -> y -> z -> x, with w hanging below y
            span("y", "x", 10),
            span("x", "z", 20),
            span("z", "y", 30),
            span("w", "y", 40),
            // a span that is its own parent
            span("self", "self", 50));

    assertThat(ids(tree.roots())).containsExactly("root", "y", "self");
    Node y = tree.roots().get(1);
    assertThat(y.cycleCut()).isTrue();
    assertThat(ids(y.children())).containsExactly("z", "w");
    assertThat(ids(y.children().get(0).children())).containsExactly("x");
    assertThat(y.children().get(0).children().get(0).children()).isEmpty();
    Node self = tree.roots().get(2);
    assertThat(self.cycleCut()).isTrue();
    assertThat(self.children()).isEmpty();
    assertThat(tree.inStartOrder()).hasSize(6);
  }

  @Test
  void emptyTraceHasNoRoots() {
    assertThat(SpanTree.of(List.of()).roots()).isEmpty();
  }

  private static SpanTree tree(Span... spans) {
    List<Span> ordered = new ArrayList<>(List.of(spans));
    ordered.sort(Comparator.comparingLong(Span::getStartEpochNanos).thenComparing(Span::getSpanId));
    return SpanTree.of(ordered);
  }

  private static List<String> ids(List<Node> nodes) {
    return nodes.stream().map(n -> n.span().getSpanId()).toList();
  }

  private static Span span(String id, String parent, long startNanos) {
    return Span.newBuilder()
        .setProjectId("p")
        .setTraceId("t")
        .setSpanId(id)
        .setParentSpanId(parent)
        .setName(id)
        .setKind(SpanKind.OTHER)
        .setStartEpochNanos(startNanos)
        .setEndEpochNanos(startNanos + 1)
        .setStatus(SpanStatus.OK)
        .build();
  }
}
