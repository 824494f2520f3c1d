package dev.tracefold.api;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServerBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/v1/openapi.json}: the OpenAPI 3.1 document of the read API, a static resource
 * ({@code openapi.json} beside this class) that {@code OpenApiIT} checks against the real routes
 * and responses. Thread-safe.
 */
final class OpenApiService {
  static final String PATH = "/api/v1/openapi.json";
  static final String RESOURCE = "openapi.json";

  private final byte[] document;

  OpenApiService() {
    this.document = load();
  }

  void addTo(ServerBuilder server) {
    server
        .route()
        .get(PATH)
        .build((ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, document));
  }

  /** The document's bytes (UTF-8 JSON). */
  static byte[] load() {
    try (InputStream in = OpenApiService.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Resource " + RESOURCE + " missing beside OpenApiService");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE, e);
    }
  }
}
