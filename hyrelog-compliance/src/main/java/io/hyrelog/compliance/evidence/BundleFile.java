package io.hyrelog.compliance.evidence;

import io.hyrelog.Digest;
import java.util.Objects;

/**
 * One file of an evidence package as the manifest lists it.
 *
 * @param name the zip entry name, e.g. {@code events.jsonl} or {@code checkpoints/<id>.note}
 * @param size its length in bytes
 * @param sha256 the SHA-256 of its bytes
 */
public record BundleFile(String name, long size, Digest sha256) {
  /**
   * Validates the file's description.
   *
   * @param name the zip entry name, e.g. {@code events.jsonl} or {@code checkpoints/<id>.note}
   * @param size its length in bytes
   * @param sha256 the SHA-256 of its bytes
   */
  public BundleFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sha256, "sha256");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a bundle file name is non-empty");
    }
    if (size < 0) {
      throw new IllegalArgumentException("a bundle file size is >= 0, got " + size);
    }
  }
}
