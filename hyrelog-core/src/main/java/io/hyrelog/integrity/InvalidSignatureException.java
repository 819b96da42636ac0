package io.hyrelog.integrity;

import io.hyrelog.HyrelogException;
import java.util.Objects;

/**
 * A well-formed signed note failed verification: a signature from a trusted key did not verify
 * ({@link SignatureFailure#SIGNATURE_INVALID}), or no key trusted for it signed it at all
 * ({@link SignatureFailure#UNTRUSTED_SIGNER}); {@link #reason()} says which. The message names
 * key names and key ids, never key material. The note's text must not be trusted.
 */
public class InvalidSignatureException extends HyrelogException {
  private static final long serialVersionUID = 1L;
  /** Why the note was refused. */
  private final SignatureFailure reason;

  /**
   * A signature that does not verify, or none by a trusted key.
   *
   * @param reason which of the two, as a stable code
   * @param message which key names and ids were seen
   */
  public InvalidSignatureException(SignatureFailure reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * A signature that does not verify: {@link SignatureFailure#SIGNATURE_INVALID}.
   *
   * @param message which key names and ids were seen
   */
  public InvalidSignatureException(String message) {
    this(SignatureFailure.SIGNATURE_INVALID, message);
  }

  /**
   * Why the note was refused, as a stable code.
   *
   * @return the code
   */
  public SignatureFailure reason() {
    return reason;
  }
}
