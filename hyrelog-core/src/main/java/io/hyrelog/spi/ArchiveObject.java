package io.hyrelog.spi;

import io.hyrelog.Digest;
import java.time.Instant;
import java.util.Objects;

/**
 * An object in an archive store.
 *
 * @param key the object's key, e.g. {@code archives/{companyId}/2026/11/26/…}
 * @param size length in bytes
 * @param sha256 SHA-256 of the whole object as stored
 * @param storedAt when the store accepted it
 */
public record ArchiveObject(String key, long size, Digest sha256, Instant storedAt) {
  /**
   * Validates the description.
   *
   * @param key the object's key, e.g. {@code archives/{companyId}/2026/11/26/…}
   * @param size length in bytes
   * @param sha256 SHA-256 of the whole object as stored
   * @param storedAt when the store accepted it
   * @throws IllegalArgumentException when the key is invalid or the size negative
   */
  public ArchiveObject {
    ArchiveStore.requireValidKey(key);
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(storedAt, "storedAt");
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, got " + size);
    }
  }
}
