package io.hyrelog.compliance.evidence;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * One downloadable file of an evidence bundle, as kept in the bundle's directory: the package
 * ({@code <bundleId>.zip}), its signature ({@code .sig}), countersign note ({@code
 * .countersign}), KMS envelope and ciphertext ({@code .envelope.json}, {@code .zip.enc}), the
 * external WORM receipt ({@code .worm-receipt.json}) or the export record ({@code export.json}).
 * Bundle files are written once and never changed, except the countersign note, which is
 * replaced (atomically) when a countersignature is added.
 *
 * @param name the file's name in the bundle directory
 * @param path where it is
 * @param size its length in bytes when listed
 * @param modifiedAt its last modification when listed
 */
public record StoredBundleFile(String name, Path path, long size, Instant modifiedAt) {
  /**
   * Validates the description.
   *
   * @param name the file's name in the bundle directory
   * @param path where it is
   * @param size its length in bytes when listed
   * @param modifiedAt its last modification when listed
   */
  public StoredBundleFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(modifiedAt, "modifiedAt");
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, got " + size);
    }
  }
}
