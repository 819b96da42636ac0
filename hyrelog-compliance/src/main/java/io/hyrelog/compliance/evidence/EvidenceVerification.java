package io.hyrelog.compliance.evidence;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The answer of {@link EvidenceVerifier}: the runbook's fields and the problems found.
 *
 * @param packageExists the zip exists and is a regular file
 * @param manifestValid every entry was re-hashed and the entries are exactly the manifest's
 *     files, in order, with their sizes and SHA-256, followed by {@code manifest.json}
 * @param eventsValid every event was re-hashed, every seq and link checked (one contiguous
 *     range per chain), and the count is the manifest's
 * @param checkpointsValid every chain of the events has one checkpoint, signed by a trusted
 *     key, at the chain's last seq in the bundle and with its head hash (and its Merkle root
 *     when the chain starts at seq 1)
 * @param checkpointCount the checkpoints found in the package
 * @param signatureChecked a signature file and trusted keys were there to check it
 * @param signatureValid it signs this package's manifest and bundle id with a trusted key
 * @param countersignChecked a countersign file was there and checked
 * @param countersignValid every countersignature verified with a trusted countersigner key
 *     and at least one key other than the signer's countersigned
 * @param countersignCount distinct keys, other than the signer's, whose countersignature
 *     verified
 * @param countersignRequired whether a valid countersignature was required
 * @param bundleId the bundle id from the manifest, when it could be read
 * @param events the manifest's event count, or -1
 * @param problems what failed, one sentence each (at most 1,000 characters); the first {@link
 *     io.hyrelog.ProblemList#DEFAULT_LIMIT}; empty when all is well
 * @param problemCount how many problems were found in all, at least {@code problems.size()}
 * @param proofsChecked the events whose inclusion proof ({@code proofs.jsonl}) verified; 0 for
 *     a bundle without proofs
 * @param proofsValid the bundle has no proofs entry, or it holds exactly one proof per event,
 *     in order, each leading from the event's hash to its chain checkpoint's root
 */
public record EvidenceVerification(boolean packageExists, boolean manifestValid,
    boolean eventsValid, boolean checkpointsValid, int checkpointCount, boolean signatureChecked,
    boolean signatureValid, boolean countersignChecked,
    boolean countersignValid, int countersignCount, boolean countersignRequired,
    Optional<UUID> bundleId, long events, List<String> problems, long problemCount,
    long proofsChecked, boolean proofsValid) {
  /**
   * Validates the result and copies its lists.
   *
   * @param packageExists the zip exists and is a regular file
   * @param manifestValid every entry was re-hashed and the entries are exactly the manifest's
   *     files, in order, with their sizes and SHA-256, followed by {@code manifest.json}
   * @param eventsValid every event was re-hashed, every seq and link checked (one contiguous
   *     range per chain), and the count is the manifest's
   * @param checkpointsValid every chain of the events has one checkpoint, signed by a trusted
   *     key, at the chain's last seq in the bundle and with its head hash (and its Merkle root when
   *     the chain starts at seq 1)
   * @param checkpointCount the checkpoints found in the package
   * @param signatureChecked a signature file and trusted keys were there to check it
   * @param signatureValid it signs this package's manifest and bundle id with a trusted key
   * @param countersignChecked a countersign file was there and checked
   * @param countersignValid every countersignature verified with a trusted countersigner key
   *     and at least one key other than the signer's countersigned
   * @param countersignCount distinct keys, other than the signer's, whose countersignature
   *     verified
   * @param countersignRequired whether a valid countersignature was required
   * @param bundleId the bundle id from the manifest, when it could be read
   * @param events the manifest's event count, or -1
   * @param problems what failed, one sentence each (at most 1,000 characters); the first
   *     {@link io.hyrelog.ProblemList#DEFAULT_LIMIT}; empty when all is well
   * @param problemCount how many problems were found in all, at least {@code problems.size()}
   * @param proofsChecked the events whose inclusion proof verified; 0 without proofs
   * @param proofsValid no proofs entry, or every event's proof verified
   */
  public EvidenceVerification {
    Objects.requireNonNull(bundleId, "bundleId");
    problems = List.copyOf(problems);
    if (problemCount < problems.size()) {
      throw new IllegalArgumentException("problemCount " + problemCount + " is less than the "
          + problems.size() + " problems listed");
    }
  }

  /**
   * Whether more problems were found than {@link #problems()} lists.
   *
   * @return true when problems were left out
   */
  public boolean problemsTruncated() {
    return problemCount > problems.size();
  }

  /**
   * Whether the package passed: it exists, its manifest, events, checkpoints (and proofs, when
   * it has them) are valid, its
   * signature was checked and is valid, and (when required) it carries a valid
   * countersignature.
   *
   * @return true when the package passed
   */
  public boolean ok() {
    return packageExists && manifestValid && eventsValid && checkpointsValid && proofsValid
        && signatureChecked && signatureValid
        && (!countersignRequired || (countersignChecked && countersignValid
        && countersignCount >= 1));
  }
}
