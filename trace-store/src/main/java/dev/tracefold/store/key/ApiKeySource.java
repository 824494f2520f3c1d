package dev.tracefold.store.key;

import java.util.Locale;

/** Where an API key came from; stored in {@code api_keys.source} as {@link #label()}. */
public enum ApiKeySource {
  /** Created with {@code tracefold keys create}. */
  CLI,
  /** Listed in {@code TRACEFOLD_API_KEYS}; revoked when no longer listed there. */
  CONFIG,
  /** The development key the standalone pipeline creates on its first start. */
  DEVELOPMENT;

  /** The stored value: the lower-case name ({@code cli}, {@code config}, {@code development}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static ApiKeySource ofLabel(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
