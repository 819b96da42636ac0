package io.hyrelog.compliance.evidence;

import io.hyrelog.Digest;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

/**
 * A written evidence package.
 *
 * @param bundleId the bundle
 * @param packagePath the zip
 * @param signaturePath the detached signature note beside it
 * @param manifest what {@code manifest.json} says
 * @param manifestSha256 the SHA-256 of {@code manifest.json}, as signed
 * @param signerKey the verifier key string of the signing key
 */
public record EvidenceBundle(UUID bundleId, Path packagePath, Path signaturePath,
    EvidenceManifest manifest, Digest manifestSha256, String signerKey) {
  /**
   * Validates the bundle's description.
   *
   * @param bundleId the bundle
   * @param packagePath the zip
   * @param signaturePath the detached signature note beside it
   * @param manifest what {@code manifest.json} says
   * @param manifestSha256 the SHA-256 of {@code manifest.json}, as signed
   * @param signerKey the verifier key string of the signing key
   */
  public EvidenceBundle {
    Objects.requireNonNull(bundleId, "bundleId");
    Objects.requireNonNull(packagePath, "packagePath");
    Objects.requireNonNull(signaturePath, "signaturePath");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(manifestSha256, "manifestSha256");
    Objects.requireNonNull(signerKey, "signerKey");
  }
}
