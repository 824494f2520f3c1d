package dev.tracefold.gateway.otlp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Undoes a request's {@code Content-Encoding} ({@code gzip}, or none / {@code identity}) within a
 * size cap. Shared by OTLP/HTTP and the native trace endpoints. Stateless and thread-safe.
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
   * Returns the decoded body.
   *
   * @param body the body as received
   * @param contentEncoding the {@code Content-Encoding} header, or null
   * @param maxBytes the largest decoded body accepted
   * @throws OtlpRequestException 400 if the body is not valid gzip, 413 if the decoded body exceeds
   *     {@code maxBytes}, 415 if the encoding is not supported
   */
  public static byte[] decode(byte[] body, String contentEncoding, int maxBytes) {
    String encoding = normalize(contentEncoding);
    if (!isSupported(encoding)) {
      throw new OtlpRequestException(
          415, "Content-Encoding '" + contentEncoding + "' is not supported; use gzip or none");
    }
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
      throw new OtlpRequestException(
          400, "body is not valid gzip (Content-Encoding: gzip): " + e.getMessage());
    }
    return out.toByteArray();
  }

  private static OtlpRequestException tooLarge(int maxBytes) {
    return new OtlpRequestException(
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
