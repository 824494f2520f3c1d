package dev.tracefold.gateway.nativejson;

import dev.tracefold.gateway.ingest.IngestLimits;
import dev.tracefold.gateway.ingest.RequestRefusedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Splits a native-trace body into its traces: a JSON body holds one trace object or an array of
 * them; a JSONL body holds one trace per line (blank lines are skipped, {@code \r\n} is accepted).
 * Each trace is remembered with its 0-based position and the 1-based line it starts on. The JSON
 * nesting depth and string length are bounded by {@link IngestLimits} (Jackson {@code
 * StreamReadConstraints}).
 *
 * <p>A JSON body that cannot be parsed is refused as a whole ({@link RequestRefusedException},
 * 400); a JSONL line that cannot be parsed becomes an {@link ItemError} of that line (rule {@code
 * json}) and the other lines are read. Whether a value is a valid trace is left to the schema.
 *
 * <p>A body holds at most {@value #MAX_TRACES_PER_BODY} traces (JSON array elements or non-blank
 * JSONL lines); reading stops at the next one and the body is refused 413, so that the memory and
 * CPU one request takes are bounded by the count as well as by the byte caps (issue #12: a 10 MB
 * {@code .jsonl} of lines {@code 1} made 5 million item errors, 40 s of CPU and 6 GB of heap).
 *
 * <p>Immutable and thread-safe.
 */
final class TraceItemReader {
  /**
   * Traces one body may hold. A 50 MiB upload of traces of at least ~500 bytes stays below it;
   * larger counts are files to split.
   */
  static final int MAX_TRACES_PER_BODY = 100_000;

  private final IngestLimits limits;
  private final JsonMapper json;

  /**
   * @param limits the JSON nesting depth and string length limits
   */
  TraceItemReader(IngestLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    StreamReadConstraints constraints =
        StreamReadConstraints.builder()
            .maxNestingDepth(limits.maxJsonNestingDepth())
            .maxStringLength(limits.maxJsonStringLength())
            .build();
    this.json =
        JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints).build())
            // traces are read one by one from a stream; trailing content is checked here
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
  }

  /** The mapper (with the limits) that read the traces; also renders JSON text of values. */
  JsonMapper mapper() {
    return json;
  }

  /**
   * Reads a JSON body: one trace object, or an array whose elements are traces.
   *
   * @throws RequestRefusedException (400) if the body is empty, is not JSON, breaks a JSON limit or
   *     has trailing content; (413) if the array holds more than {@link #MAX_TRACES_PER_BODY}
   *     traces
   */
  List<TraceItem> readJson(byte[] body) {
    List<TraceItem> items = new ArrayList<>();
    try (JsonParser parser = json.createParser(body)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new RequestRefusedException(
            400, "body is empty; send one trace object or a JSON array of traces");
      }
      if (first == JsonToken.START_ARRAY) {
        int index = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          checkCount(index);
          int line = parser.currentTokenLocation().getLineNr();
          items.add(new TraceItem(index++, line, json.readTree(parser), null));
        }
      } else {
        items.add(
            new TraceItem(
                0, parser.currentTokenLocation().getLineNr(), json.readTree(parser), null));
      }
      if (parser.nextToken() != null) {
        throw new RequestRefusedException(
            400,
            "body has content after its JSON value"
                + at(parser.currentTokenLocation())
                + "; send one trace object or one JSON array (or use JSONL)");
      }
    } catch (StreamConstraintsException e) {
      throw new RequestRefusedException(400, limits.jsonLimitMessage(e.getOriginalMessage()));
    } catch (JacksonException e) {
      throw new RequestRefusedException(
          400, "body is not valid JSON: " + e.getOriginalMessage() + at(e.getLocation()));
    }
    return items;
  }

  /**
   * Reads a JSONL body: one trace per non-blank line; a bad line is an item error.
   *
   * @throws RequestRefusedException (413) if the body holds more than {@link #MAX_TRACES_PER_BODY}
   *     lines
   */
  List<TraceItem> readJsonLines(byte[] body) {
    List<TraceItem> items = new ArrayList<>();
    int start = 0;
    int line = 1;
    while (start <= body.length) {
      int end = indexOf(body, (byte) '\n', start);
      int contentEnd = end > start && body[end - 1] == '\r' ? end - 1 : end;
      if (!isBlank(body, start, contentEnd)) {
        checkCount(items.size());
        items.add(readLine(items.size(), line, body, start, contentEnd - start));
      }
      start = end + 1;
      line++;
    }
    return items;
  }

  private TraceItem readLine(int index, int line, byte[] body, int offset, int length) {
    try (JsonParser parser = json.createParser(body, offset, length)) {
      JsonNode trace = json.readTree(parser);
      if (trace == null) {
        // no JSON value before the end of the line: Jackson reads a NUL byte as the end of input
        return failed(index, line, "line is not valid JSON: it holds no JSON value");
      }
      if (parser.nextToken() != null) {
        return failed(
            index,
            line,
            "line has content after its JSON value (column "
                + parser.currentTokenLocation().getColumnNr()
                + "); put one trace per line");
      }
      return new TraceItem(index, line, trace, null);
    } catch (StreamConstraintsException e) {
      return failed(index, line, limits.jsonLimitMessage(e.getOriginalMessage()));
    } catch (JacksonException e) {
      TokenStreamLocation location = e.getLocation();
      String column =
          location == null || location.getColumnNr() < 1
              ? ""
              : " (column " + location.getColumnNr() + ")";
      return failed(index, line, "line is not valid JSON: " + e.getOriginalMessage() + column);
    }
  }

  /** Refuses the body (413) before it reads a trace past {@link #MAX_TRACES_PER_BODY}. */
  private static void checkCount(int tracesRead) {
    if (tracesRead >= MAX_TRACES_PER_BODY) {
      throw new RequestRefusedException(
          413,
          "the body holds more than "
              + MAX_TRACES_PER_BODY
              + " traces (JSON array elements or JSONL lines); split it into files of at most"
              + " that many");
    }
  }

  private static TraceItem failed(int index, int line, String message) {
    return new TraceItem(
        index, line, null, new ItemError(index, line, null, "", "json", null, message));
  }

  private static String at(TokenStreamLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return bytes.length;
  }

  private static boolean isBlank(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /**
   * One trace of a body. Immutable.
   *
   * @param index 0-based position among the body's traces
   * @param line 1-based line where it starts
   * @param trace the parsed value (not yet validated); null when it could not be parsed
   * @param error why it could not be parsed; null when it was
   */
  record TraceItem(int index, int line, JsonNode trace, ItemError error) {}
}
