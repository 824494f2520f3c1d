package dev.tracefold.store.query;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic sampling of traces by evaluation rules and annotation queues: whether a selector (a
 * rule or queue id) takes a trace depends only on the two ids and the percentage, so a replay,
 * another sink instance or a later revision decides the same, and a trace taken at some percentage
 * is also taken at every higher one. Stateless and thread-safe.
 *
 * <p>The draw is the first 8 bytes of the SHA-256 digest of the UTF-8 bytes of {@code selectorId +
 * "/" + traceId}, read as a big-endian unsigned 64-bit integer and scaled to {@code [0, 100)}: the
 * trace is taken when the draw is below the percentage. So 0 takes nothing and 100 everything.
 */
public final class TraceSampling {
  private static final double TWO_TO_64 = 0x1p64;

  private TraceSampling() {}

  /**
   * The draw of a trace for a selector, in {@code [0, 100)}.
   *
   * @param selectorId the rule or queue id
   * @param traceId the trace id
   */
  public static double draw(String selectorId, String traceId) {
    byte[] digest;
    try {
      digest =
          MessageDigest.getInstance("SHA-256")
              .digest((selectorId + "/" + traceId).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has SHA-256", e);
    }
    long bits = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      bits = (bits << 8) | (digest[i] & 0xff);
    }
    // unsigned value of bits in [0, 2^64), scaled to [0, 100)
    double unsigned = (bits >>> 1) * 2.0 + (bits & 1);
    return Math.min(unsigned / TWO_TO_64 * 100.0, Math.nextDown(100.0));
  }

  /**
   * Whether a selector sampling at {@code percent} takes the trace.
   *
   * @param percent 0 to 100
   */
  public static boolean takes(String selectorId, String traceId, double percent) {
    return draw(selectorId, traceId) < percent;
  }
}
