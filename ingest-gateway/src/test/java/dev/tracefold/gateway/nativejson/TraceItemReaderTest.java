package dev.tracefold.gateway.nativejson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ingest.RequestRefusedException;
import dev.tracefold.gateway.nativejson.TraceItemReader.TraceItem;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceItemReaderTest {
  private final TraceItemReader reader = new TraceItemReader(IngestLimits.defaults());

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsOneObjectOrAnArrayWithTheLineEachTraceStartsOn() {
    assertThat(reader.readJson(utf8("{\"id\": \"a\"}")))
        .extracting(TraceItem::index, TraceItem::line, i -> i.trace().get("id").asString())
        .containsExactly(tuple(0, 1, "a"));

    List<TraceItem> items =
        reader.readJson(utf8("[\n  {\"id\": \"a\"},\n\n  {\"id\": \"b\",\n \"x\": 1}, 3\n]"));

    assertThat(items)
        .extracting(TraceItem::index, TraceItem::line, i -> i.trace().toString())
        .containsExactly(
            tuple(0, 2, "{\"id\":\"a\"}"), tuple(1, 4, "{\"id\":\"b\",\"x\":1}"), tuple(2, 5, "3"));
  }

  @Test
  void refusesUnreadableJsonBodiesAsAWhole() {
    assertThatThrownBy(() -> reader.readJson(utf8("  ")))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("body is empty; send one trace object or a JSON array of traces");
    assertThatThrownBy(() -> reader.readJson(utf8("{\"id\": \"a\"} {\"id\": \"b\"}")))
        .hasMessage(
            "body has content after its JSON value (line 1, column 13); send one trace object or"
                + " one JSON array (or use JSONL)");
    assertThatThrownBy(() -> reader.readJson(utf8("[{\"id\": \"a\",]")))
        .hasMessage(
            "body is not valid JSON: Unexpected character (']' (code 93)): was expecting"
                + " double-quote to start property name (line 1, column 13)");
  }

  @Test
  void readsJsonLinesSkippingBlankLinesAndReportingBadOnes() {
    String file = "{\"id\": \"a\"}\r\n\n   \n{\"id\": \n{\"id\": \"c\"} {}\n{\"id\": \"d\"}";

    List<TraceItem> items = reader.readJsonLines(utf8(file));

    assertThat(items)
        .extracting(TraceItem::index, TraceItem::line)
        .containsExactly(tuple(0, 1), tuple(1, 4), tuple(2, 5), tuple(3, 6));
    assertThat(items.get(0).trace().get("id").asString()).isEqualTo("a");
    assertThat(items.get(1).trace()).isNull();
    assertThat(items.get(1).error())
        .extracting(ItemError::line, ItemError::pointer, ItemError::rule)
        .containsExactly(4, "", "json");
    assertThat(items.get(1).error().message())
        .startsWith("line is not valid JSON: Unexpected end-of-input");
    assertThat(items.get(2).error().message())
        .isEqualTo("line has content after its JSON value (column 13); put one trace per line");
    assertThat(items.get(3).trace().get("id").asString()).isEqualTo("d");
  }

  @Test
  void aLineWithoutAJsonValueIsAnItemError() {
    // Jackson reads a NUL byte as the end of input: the line holds no value (found by fuzzing)
    List<TraceItem> items = reader.readJsonLines(utf8("{\"id\": \"a\"}\n\0\t\n\0{\"id\": \"b\"}"));

    assertThat(items)
        .extracting(
            TraceItem::index, TraceItem::line, i -> i.error() == null ? null : i.error().rule())
        .containsExactly(tuple(0, 1, null), tuple(1, 2, "json"), tuple(2, 3, "json"));
    assertThat(items.get(1).error().message())
        .isEqualTo("line is not valid JSON: it holds no JSON value");
  }

  @Test
  void enforcesTheJsonLimits() {
    TraceItemReader strict = new TraceItemReader(IngestLimits.defaults().withJsonLimits(3, 5));

    assertThatThrownBy(() -> strict.readJson(utf8("{\"spans\": [{\"spans\": []}]}")))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage(
            "JSON nesting is deeper than the limit of 3"
                + " (tracefold.gateway.max-json-nesting-depth)");
    assertThat(strict.readJsonLines(utf8("{\"id\": \"abcdef\"}")).get(0).error().message())
        .isEqualTo(
            "a JSON string is longer than the limit of 5 characters"
                + " (tracefold.gateway.max-json-string-length)");
  }

  @Test
  void refusesABodyOfMoreTracesThanTheCapBeforeReadingThemAll() {
    // issue #12: a .jsonl of lines "1" made one item error per line, millions of them in memory
    String atCap = "1\n".repeat(TraceItemReader.MAX_TRACES_PER_BODY);
    assertThat(reader.readJsonLines(utf8(atCap))).hasSize(TraceItemReader.MAX_TRACES_PER_BODY);

    assertThatThrownBy(() -> reader.readJsonLines(utf8(atCap + "1\n")))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage(
            "the body holds more than 100000 traces (JSON array elements or JSONL lines); split it"
                + " into files of at most that many")
        .extracting(e -> ((RequestRefusedException) e).httpStatus())
        .isEqualTo(413);
    String array = "[" + "1,".repeat(TraceItemReader.MAX_TRACES_PER_BODY) + "1]";
    assertThatThrownBy(() -> reader.readJson(utf8(array)))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessageStartingWith("the body holds more than 100000 traces");
  }
}
