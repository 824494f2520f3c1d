package dev.tracefold.store.key;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The shape and hashing of API keys. Stateless and thread-safe.
 *
 * <ul>
 *   <li>A generated key is {@value #PREFIX} followed by {@value #RANDOM_CHARS} characters drawn
 *       uniformly from {@code [0-9A-Za-z]} by a {@link SecureRandom}: about 190 bits of entropy,
 *       e.g. {@code tf_4Qm9ZcV1bK7sXr2LpT8nWy3HdE6jUa0f}.
 *   <li>A key given in configuration ({@code TRACEFOLD_API_KEYS}) may have any shape matching
 *       {@code [A-Za-z0-9._~+/-]{16,256}} (the RFC 6750 bearer token characters, without {@code
 *       =}); it should be as random as a generated one.
 *   <li>The {@linkplain #displayPrefix display prefix} is the key's first {@value
 *       #DISPLAY_PREFIX_CHARS} characters ({@code tf_4Qm9ZcV1}): stored in clear, shown in listings
 *       and messages, and used to find the stored candidates of a presented key.
 *   <li>The stored hash is {@code SHA-256(salt || UTF-8 key)} with a fresh {@value
 *       #SALT_BYTES}-byte random salt per key, compared in constant time.
 * </ul>
 */
public final class ApiKeys {
  /** Start of every generated key. */
  public static final String PREFIX = "tf_";

  /** Random characters after {@link #PREFIX} in a generated key. */
  public static final int RANDOM_CHARS = 32;

  /** Length of the display prefix. */
  public static final int DISPLAY_PREFIX_CHARS = 11;

  /** Bytes of each key's salt. */
  public static final int SALT_BYTES = 16;

  /** Shortest key accepted from configuration. */
  public static final int MIN_LENGTH = 16;

  /** Longest key accepted anywhere. */
  public static final int MAX_LENGTH = 256;

  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._~+/-]{16,256}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {}

  /** A new random key: {@value #PREFIX} + {@value #RANDOM_CHARS} base62 characters. */
  public static String generate() {
    StringBuilder key = new StringBuilder(PREFIX.length() + RANDOM_CHARS).append(PREFIX);
    for (int i = 0; i < RANDOM_CHARS; i++) {
      key.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return key.toString();
  }

  /** A new random salt of {@value #SALT_BYTES} bytes. */
  static byte[] newSalt() {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return salt;
  }

  /** True if {@code key} has a shape this class accepts (see the class description). */
  public static boolean isWellFormed(String key) {
    return key != null && ACCEPTED.matcher(key).matches();
  }

  /**
   * Checks a key given in configuration.
   *
   * @throws IllegalArgumentException naming {@code where} and the allowed shape, without quoting
   *     the key (it is a secret)
   */
  public static void checkWellFormed(String key, String where) {
    if (!isWellFormed(key)) {
      throw new IllegalArgumentException(
          where
              + ": an API key must be "
              + MIN_LENGTH
              + " to "
              + MAX_LENGTH
              + " characters of A-Z, a-z, 0-9, '.', '_', '~', '+', '/' or '-'"
              + " (generate one with: tracefold keys create --project NAME)");
    }
  }

  /**
   * The key's first {@value #DISPLAY_PREFIX_CHARS} characters, safe to show and store in clear.
   *
   * @throws IllegalArgumentException if the key is not {@linkplain #isWellFormed well formed}
   */
  public static String displayPrefix(String key) {
    if (!isWellFormed(key)) {
      throw new IllegalArgumentException("not a well-formed API key");
    }
    return key.substring(0, DISPLAY_PREFIX_CHARS);
  }

  /** {@code SHA-256(salt || UTF-8 key)}: 32 bytes. */
  static byte[] hash(String key, byte[] salt) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(salt, "salt");
    MessageDigest sha256 = sha256();
    sha256.update(salt);
    sha256.update(key.getBytes(StandardCharsets.UTF_8));
    return sha256.digest();
  }

  /** Whether {@code key} hashes to {@code expectedHash} with {@code salt}; constant time. */
  public static boolean matches(String key, byte[] salt, byte[] expectedHash) {
    return MessageDigest.isEqual(hash(key, salt), expectedHash);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
