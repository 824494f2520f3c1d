package dev.tracefold.store.key;

import java.util.Objects;

/**
 * A key just created by {@link ApiKeyStore#create}: the only moment its plaintext exists outside
 * the client that holds it. Immutable; {@link #toString()} shows the prefix only.
 *
 * @param key the plaintext key, to be shown to its owner once
 * @param info what is stored about it
 */
public record CreatedApiKey(String key, ApiKeyInfo info) {
  public CreatedApiKey {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(info, "info");
  }

  @Override
  public String toString() {
    return "CreatedApiKey[key=" + info.prefix() + "..., info=" + info + "]";
  }
}
