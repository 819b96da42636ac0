package io.hyrelog.compliance.evidence;

import java.util.Objects;

/**
 * A countersignature was refused before anything was written; {@link #reason()} says which
 * check failed. The message never carries key material.
 */
public class InvalidCountersignatureException extends EvidenceException {
  private static final long serialVersionUID = 1L;

  /** Which check refused the countersignature. */
  public enum Reason {
    /** The line is not a signature line over the bundle's note. */
    MALFORMED_LINE,
    /** The signer named does not match the key name on the line. */
    SIGNER_MISMATCH,
    /** The key id named does not match the key id on the line. */
    KEY_ID_MISMATCH,
    /** The bundle's own signing key cannot countersign it: dual control needs another key. */
    SAME_SIGNER,
    /** The key is not one of the configured countersigner keys. */
    UNKNOWN_KEY,
    /** The signature does not verify over this bundle's id and manifest digest. */
    SIGNATURE_MISMATCH
  }

  /** Why the countersignature was refused. */
  private final Reason reason;

  /**
   * A countersignature was refused.
   *
   * @param reason which check refused it
   * @param message what was wrong, without key material
   * @throws NullPointerException when {@code reason} is null
   */
  public InvalidCountersignatureException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Which check refused the countersignature.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}
