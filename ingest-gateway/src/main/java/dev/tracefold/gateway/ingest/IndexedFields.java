package dev.tracefold.gateway.ingest;

import dev.tracefold.schemas.Span;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * Bounds the span fields the trace store indexes (session id, user id, model, provider, service
 * name, tags: B-tree and GIN index entries hold at most about 2,700 bytes), so that a span the
 * gateway acknowledged is never refused by the store afterwards (issue #12: a 6,000-character
 * {@code session.id} was answered 200, then refused with "index row size exceeds btree maximum",
 * and its trace never completed). A value longer than {@link #MAX_CHARS} UTF-16 characters becomes
 * its first {@code MAX_CHARS - 17} characters, {@code ~} and the first 16 hex characters of the
 * SHA-256 of the whole value (UTF-8): at most 1,024 bytes, and two long values that share a prefix
 * stay apart. The attribute the field came from keeps its (length-limited) text.
 *
 * <p>Stateless and thread-safe; {@link #apply} mutates the span it is given.
 */
public final class IndexedFields {
  /** Longest indexed field kept as it is, UTF-16 characters. */
  public static final int MAX_CHARS = 256;

  private static final int HASH_CHARS = 16;

  private IndexedFields() {}

  /**
   * Bounds the span's indexed fields in place.
   *
   * @return how many values were shortened
   */
  public static int apply(Span span) {
    int shortened =
        bound(span.getSessionId(), span::setSessionId)
            + bound(span.getUserId(), span::setUserId)
            + bound(span.getModel(), span::setModel)
            + bound(span.getProvider(), span::setProvider)
            + bound(span.getServiceName(), span::setServiceName);
    if (span.getTags().stream().anyMatch(tag -> tag.length() > MAX_CHARS)) {
      List<String> tags = new ArrayList<>(span.getTags().size());
      for (CharSequence tag : span.getTags()) {
        tags.add(bound(tag));
        shortened += tag.length() > MAX_CHARS ? 1 : 0;
      }
      span.setTags(tags);
    }
    return shortened;
  }

  /** Sets the bound value when {@code value} is too long; returns 1 if it was, else 0. */
  private static int bound(CharSequence value, Consumer<String> set) {
    if (value == null || value.length() <= MAX_CHARS) {
      return 0;
    }
    set.accept(bound(value));
    return 1;
  }

  /** The value as stored: itself when short enough, else a prefix and a digest; null for null. */
  static String bound(CharSequence value) {
    if (value == null) {
      return null;
    }
    String text = value.toString();
    if (text.length() <= MAX_CHARS) {
      return text;
    }
    int end = MAX_CHARS - HASH_CHARS - 1;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // do not split a surrogate pair
    }
    return text.substring(0, end) + "~" + sha256Hex(text).substring(0, HASH_CHARS);
  }

  private static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
