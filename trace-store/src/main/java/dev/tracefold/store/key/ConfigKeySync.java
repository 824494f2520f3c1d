package dev.tracefold.store.key;

/**
 * What {@link ApiKeyStore#syncConfigKeys} changed. Immutable.
 *
 * @param added keys stored now
 * @param unchanged keys that were stored already, for the same project
 * @param revoked configuration keys revoked because the configuration no longer lists them
 */
public record ConfigKeySync(int added, int unchanged, int revoked) {}
