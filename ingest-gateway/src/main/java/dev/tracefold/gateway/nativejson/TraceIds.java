package dev.tracefold.gateway.nativejson;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns the ids of native traces into Tracefold's hex ids, deterministically, so that sending the
 * same trace twice yields the same ids (and downstream de-duplication by span id applies).
 *
 * <ul>
 *   <li>trace id: 32 hex characters are kept (lower-cased); a UUID ({@code 8-4-4-4-12} hex) loses
 *       its dashes; any other string becomes the first 16 bytes of its SHA-256 (UTF-8), in hex;
 *   <li>span id: 16 hex characters are kept (lower-cased); any other string becomes the first 8
 *       bytes of SHA-256 of {@code traceId + "/" + id};
 *   <li>a span without an id gets the first 8 bytes of SHA-256 of {@code traceId + "#" + path},
 *       where the path is the span's JSON pointer in the trace ({@code /spans/0/spans/1}); the
 *       trace's root span uses the path {@code ""}.
 * </ul>
 *
 * An id that is all zeros is invalid in OpenTelemetry, so it is hashed like any other string.
 * Stateless and thread-safe.
 */
final class TraceIds {
  private static final HexFormat HEX = HexFormat.of();
  private static final Pattern TRACE_HEX = Pattern.compile("[0-9a-fA-F]{32}");
  private static final Pattern SPAN_HEX = Pattern.compile("[0-9a-fA-F]{16}");
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private TraceIds() {}

  /** The trace id (32 lowercase hex) for a native trace's {@code id}. */
  static String traceId(String id) {
    String candidate = UUID.matcher(id).matches() ? id.replace("-", "") : id;
    if (TRACE_HEX.matcher(candidate).matches() && !allZeros(candidate)) {
      return candidate.toLowerCase(Locale.ROOT);
    }
    return hashHex(id, 16);
  }

  /** The span id (16 lowercase hex) for a span's {@code id} within a trace. */
  static String spanId(String traceId, String id) {
    if (SPAN_HEX.matcher(id).matches() && !allZeros(id)) {
      return id.toLowerCase(Locale.ROOT);
    }
    return hashHex(traceId + "/" + id, 8);
  }

  /** The span id of a span without an id, from its JSON pointer in the trace. */
  static String derivedSpanId(String traceId, String pointer) {
    return hashHex(traceId + "#" + pointer, 8);
  }

  /** True when the id was kept as given (up to case and UUID dashes), false when hashed. */
  static boolean isKept(String given, String id) {
    return given.replace("-", "").equalsIgnoreCase(id);
  }

  private static String hashHex(String text, int bytes) {
    byte[] digest = sha256().digest(text.getBytes(StandardCharsets.UTF_8));
    if (allZeroBytes(digest, bytes)) {
      digest[bytes - 1] = 1; // 2^-64 at worst, but an all-zero id would be invalid
    }
    return HEX.formatHex(digest, 0, bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime provides SHA-256", e);
    }
  }

  private static boolean allZeros(String hex) {
    for (int i = 0; i < hex.length(); i++) {
      if (hex.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  private static boolean allZeroBytes(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
