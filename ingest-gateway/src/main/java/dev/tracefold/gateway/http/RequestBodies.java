package dev.tracefold.gateway.http;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpRequest;
import dev.tracefold.gateway.ingest.Completions;
import dev.tracefold.gateway.ingest.RequestRefusedException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongFunction;
import java.util.zip.GZIPInputStream;

/**
 * Reads request bodies of the HTTP ingest endpoints (OTLP/HTTP, native traces and uploads):
 * aggregates them within the route's size cap and undoes their {@code Content-Encoding} ({@code
 * gzip}, or none / {@code identity}) within a size cap. Refusals are {@link
 * RequestRefusedException}s with the status to answer. Stateless and thread-safe.
 */
public final class RequestBodies {
  private static final int CHUNK_BYTES = 64 * 1024;

  private RequestBodies() {}

  /** True for the encodings {@link #decode} understands: none, {@code identity}, {@code gzip}. */
  public static boolean isSupported(String contentEncoding) {
    String encoding = normalize(contentEncoding);
    return encoding.isEmpty() || encoding.equals("identity") || isGzip(encoding);
  }

  /**
   * Refuses an encoding {@link #decode} does not understand.
   *
   * @param contentEncoding the {@code Content-Encoding} header, or null
   * @throws RequestRefusedException 415 ({@code Content-Encoding 'br' is not supported; use gzip or
   *     none}) unless {@link #isSupported}
   */
  public static void checkEncoding(String contentEncoding) {
    if (!isSupported(contentEncoding)) {
      throw new RequestRefusedException(
          415, "Content-Encoding '" + contentEncoding + "' is not supported; use gzip or none");
    }
  }

  /**
   * Aggregates a request's body. A body above the route's {@code maxRequestLength} fails the future
   * with a {@link RequestRefusedException} (413) instead of Armeria's {@link
   * ContentTooLargeException}; other failures pass unchanged.
   *
   * @param request the request being served
   * @param tooLargeMessage the 413 message, given the exceeded limit in bytes
   */
  public static CompletableFuture<AggregatedHttpRequest> aggregate(
      HttpRequest request, LongFunction<String> tooLargeMessage) {
    return request
        .aggregate()
        .handle(
            (body, error) -> {
              if (error == null) {
                return body;
              }
              if (Completions.unwrap(error) instanceof ContentTooLargeException e) {
                throw new RequestRefusedException(413, tooLargeMessage.apply(e.maxContentLength()));
              }
              throw error instanceof CompletionException c ? c : new CompletionException(error);
            });
  }

  /**
   * Returns the decoded body.
   *
   * @param body the body as received
   * @param contentEncoding the {@code Content-Encoding} header, or null
   * @param maxBytes the largest decoded body accepted
   * @throws RequestRefusedException 400 if the body is not valid gzip, 413 if the decoded body
   *     exceeds {@code maxBytes}, 415 if the encoding is not supported
   */
  public static byte[] decode(byte[] body, String contentEncoding, int maxBytes) {
    checkEncoding(contentEncoding);
    String encoding = normalize(contentEncoding);
    if (body.length > maxBytes) {
      throw tooLarge(maxBytes);
    }
    return isGzip(encoding) ? gunzip(body, maxBytes) : body;
  }

  private static byte[] gunzip(byte[] body, int maxBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, body.length * 4 + 64));
    byte[] chunk = new byte[CHUNK_BYTES];
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body), CHUNK_BYTES)) {
      long total = 0;
      int read;
      while ((read = in.read(chunk)) != -1) {
        total += read;
        if (total > maxBytes) {
          throw tooLarge(maxBytes);
        }
        out.write(chunk, 0, read);
      }
    } catch (IOException e) {
      throw new RequestRefusedException(
          400, "body is not valid gzip (Content-Encoding: gzip): " + e.getMessage());
    }
    return out.toByteArray();
  }

  private static RequestRefusedException tooLarge(int maxBytes) {
    return new RequestRefusedException(
        413,
        "request body exceeds "
            + maxBytes
            + " bytes (after decompression); send fewer spans per request");
  }

  private static String normalize(String contentEncoding) {
    return contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
  }

  private static boolean isGzip(String encoding) {
    return encoding.equals("gzip") || encoding.equals("x-gzip");
  }
}
