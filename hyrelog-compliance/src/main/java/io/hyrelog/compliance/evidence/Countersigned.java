package io.hyrelog.compliance.evidence;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A countersignature added to (or already in) a bundle's countersign note.
 *
 * @param bundleId the bundle
 * @param countersignPath the note, relative to the company's bundle directory: {@code
 *     <bundleId>/<bundleId>.countersign}
 * @param added false when the note already held this key's signature (nothing changed)
 * @param entryCount signatures in the note
 * @param countersignCount countersignatures that verify with a configured countersigner key
 * @param vaultCountersignPath where the note was added to the bundle's vault copy (a path in a
 *     directory vault, a URI in a store vault), when it has one and the signature was added
 */
public record Countersigned(UUID bundleId, String countersignPath, boolean added,
    int entryCount, int countersignCount, Optional<String> vaultCountersignPath) {
  /**
   * Checks the references are set.
   *
   * @param bundleId the bundle
   * @param countersignPath the note, relative to the company's bundle directory: {@code
   *     <bundleId>/<bundleId>.countersign}
   * @param added false when the note already held this key's signature (nothing changed)
   * @param entryCount signatures in the note
   * @param countersignCount countersignatures that verify with a configured countersigner key
   * @param vaultCountersignPath where the note was added to the bundle's vault copy (a path in a
   *     directory vault, a URI in a store vault), when it has one and the signature was added
   * @throws NullPointerException when {@code bundleId}, {@code countersignPath} or {@code
   *     vaultCountersignPath} is null
   */
  public Countersigned {
    Objects.requireNonNull(bundleId, "bundleId");
    Objects.requireNonNull(countersignPath, "countersignPath");
    Objects.requireNonNull(vaultCountersignPath, "vaultCountersignPath");
  }
}
