package dev.tracefold.gateway.nativejson;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.multipart.AggregatedBodyPart;
import com.linecorp.armeria.common.multipart.AggregatedMultipart;
import com.linecorp.armeria.common.multipart.Multipart;
import com.linecorp.armeria.common.stream.StreamMessage;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.tracefold.gateway.http.RequestBodies;
import dev.tracefold.gateway.ingest.RequestRefusedException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Finds the uploaded file of {@code POST /api/v1/traces/upload} and its format.
 *
 * <ul>
 *   <li>{@code multipart/form-data}: the part named {@value #FIELD}; its format from the file name
 *       ({@code .jsonl} / {@code .ndjson} → JSONL, {@code .json} → JSON), else the part's content
 *       type;
 *   <li>any other body is the file itself; its format from the request's content type ({@code
 *       application/x-ndjson}, {@code application/jsonl} or {@code application/x-jsonlines} →
 *       JSONL, {@code application/json} → JSON).
 * </ul>
 *
 * A {@code format=json|jsonl} query parameter overrides both. {@code Content-Encoding: gzip}
 * applies to the whole body. The file may hold at most {@code maxUploadBytes}, compressed or not.
 * Stateless and thread-safe.
 */
final class UploadBodies {
  /** The multipart field holding the file. */
  static final String FIELD = "file";

  private UploadBodies() {}

  /** How a file holds its traces. */
  enum Format {
    /** One trace object, or a JSON array of them. */
    JSON,
    /** One trace object per line. */
    JSONL
  }

  /**
   * An uploaded file. Immutable (the bytes are not copied).
   *
   * @param name the file name as sent, or null
   * @param format how it holds its traces
   * @param bytes its decompressed content
   */
  record UploadFile(String name, Format format, byte[] bytes) {}

  /**
   * Extracts the file from an aggregated request; decompression and multipart parsing run on the
   * request's blocking executor.
   *
   * @return the file; fails with {@link RequestRefusedException} (400, 413 or 415) when there is no
   *     usable file
   */
  static CompletableFuture<UploadFile> read(
      ServiceRequestContext ctx, AggregatedHttpRequest request, int maxUploadBytes) {
    String formatParam = ctx.queryParam("format");
    Format forced = formatParam == null ? null : parseFormat(formatParam);
    MediaType contentType = request.contentType();
    String encoding = request.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    boolean multipart = contentType != null && contentType.is(MediaType.MULTIPART_FORM_DATA);
    int cap =
        multipart ? maxUploadBytes + NativeTraceService.MULTIPART_OVERHEAD_BYTES : maxUploadBytes;
    CompletableFuture<byte[]> decoded =
        CompletableFuture.supplyAsync(
            () -> decode(request.content().array(), encoding, cap, maxUploadBytes),
            ctx.blockingTaskExecutor());
    if (!multipart) {
      return decoded.thenApply(
          bytes -> {
            Format format = forced != null ? forced : formatOf(null, contentType);
            if (format == null) {
              throw unknownFormat(contentType == null ? "none" : contentType.toString());
            }
            return new UploadFile(null, format, bytes);
          });
    }
    String boundary = boundary(contentType);
    return decoded
        .thenCompose(
            bytes ->
                Multipart.from(boundary, StreamMessage.of(HttpData.wrap(bytes)))
                    .aggregate(ctx.eventLoop()))
        .thenApply(parts -> file(parts, forced, maxUploadBytes));
  }

  private static UploadFile file(AggregatedMultipart parts, Format forced, int maxUploadBytes) {
    AggregatedBodyPart part = parts.field(FIELD);
    if (part == null) {
      throw new RequestRefusedException(
          400,
          "multipart body has no '"
              + FIELD
              + "' field; send the file as form field '"
              + FIELD
              + "' (curl -F file=@traces.jsonl)");
    }
    byte[] bytes = part.content().array();
    if (bytes.length > maxUploadBytes) {
      throw tooLarge(maxUploadBytes);
    }
    Format format = forced != null ? forced : formatOf(part.filename(), part.contentType());
    if (format == null) {
      throw unknownFormat(
          "file name '" + part.filename() + "', content type " + part.contentType());
    }
    return new UploadFile(part.filename(), format, bytes);
  }

  private static byte[] decode(byte[] body, String encoding, int cap, int maxUploadBytes) {
    try {
      return RequestBodies.decode(body, encoding, cap);
    } catch (RequestRefusedException e) {
      throw e.httpStatus() == 413 ? tooLarge(maxUploadBytes) : e;
    }
  }

  /** The format a file name or content type stands for; null when neither tells. */
  static Format formatOf(String fileName, MediaType contentType) {
    if (fileName != null) {
      String name = fileName.toLowerCase(Locale.ROOT);
      if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
        return Format.JSONL;
      }
      if (name.endsWith(".json")) {
        return Format.JSON;
      }
    }
    if (contentType == null) {
      return null;
    }
    String subtype = contentType.subtype().toLowerCase(Locale.ROOT);
    if (List.of("x-ndjson", "jsonl", "x-jsonlines", "jsonlines").contains(subtype)) {
      return Format.JSONL;
    }
    return contentType.is(MediaType.JSON) ? Format.JSON : null;
  }

  private static Format parseFormat(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "json" -> Format.JSON;
      case "jsonl", "ndjson" -> Format.JSONL;
      default ->
          throw new RequestRefusedException(
              400, "query parameter format must be json or jsonl, got '" + text + "'");
    };
  }

  private static String boundary(MediaType contentType) {
    List<String> boundary = contentType.parameters().get("boundary");
    if (boundary == null || boundary.isEmpty() || boundary.get(0).isEmpty()) {
      throw new RequestRefusedException(400, "multipart/form-data body has no boundary parameter");
    }
    return boundary.get(0);
  }

  private static RequestRefusedException tooLarge(int maxUploadBytes) {
    return new RequestRefusedException(
        413,
        "file exceeds "
            + maxUploadBytes
            + " bytes (tracefold.gateway.max-upload-bytes, checked after decompression too);"
            + " split it into smaller files");
  }

  private static RequestRefusedException unknownFormat(String what) {
    return new RequestRefusedException(
        415,
        "cannot tell whether the upload is JSON or JSONL ("
            + what
            + "); name the file .json or .jsonl, send Content-Type application/json or"
            + " application/x-ndjson, or add ?format=json|jsonl");
  }
}
