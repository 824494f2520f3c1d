package dev.tracefold.schemas.json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON Schema (draft 2020-12) of a native trace, as {@code POST /api/v1/traces} and {@code POST
 * /api/v1/traces/upload} accept it: the classpath resource {@value #RESOURCE}, with {@code $id}
 * {@value #ID}. Stateless and thread-safe.
 */
public final class TraceJsonSchema {
  /** Classpath location of the schema. */
  public static final String RESOURCE = "/schemas/trace.schema.json";

  /** The schema's {@code $id}. */
  public static final String ID = "https://tracefold.dev/schemas/trace.schema.json";

  private TraceJsonSchema() {}

  /**
   * The schema's text (UTF-8 JSON).
   *
   * @throws IllegalStateException if the resource is missing from the classpath
   */
  public static String text() {
    try (InputStream in = TraceJsonSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("JSON Schema " + RESOURCE + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE, e);
    }
  }
}
