package io.hyrelog.integrity;

import java.util.Optional;

/**
 * Why a signed note (a checkpoint, a snapshot statement, an evidence bundle's signature or
 * countersignature, a witness cosignature) was not accepted. Stable names: verifiers and the CLI
 * print them ({@code FAILED: <CODE> …}); docs/format.md §7 lists them.
 */
public enum SignatureFailure {
  /**
   * A signature by a trusted key (matched by key name and key id) does not verify over the
   * note's text, or the signed text is not the text it must be (another bundle's digest).
   */
  SIGNATURE_INVALID,
  /**
   * No signature on the note is by a key trusted for it: signed only by unknown keys, or (for a
   * chain checkpoint) by a trusted key of another log than the one its origin names.
   */
  UNTRUSTED_SIGNER,
  /**
   * The note is not a well-formed C2SP signed note (or exceeds the size and signature-count
   * limits, or a signature line is not a well-formed cosignature): no signature was checked.
   */
  MALFORMED_NOTE;

  /**
   * The code of a failure to accept a signed note, if {@code e} is one: an {@link
   * InvalidSignatureException} gives its {@linkplain InvalidSignatureException#reason() reason},
   * a {@link MalformedNoteException} {@link #MALFORMED_NOTE}.
   *
   * @param e any exception
   * @return the code, or empty when {@code e} is not about a signed note
   */
  public static Optional<SignatureFailure> of(Throwable e) {
    if (e instanceof InvalidSignatureException s) {
      return Optional.of(s.reason());
    }
    if (e instanceof MalformedNoteException) {
      return Optional.of(MALFORMED_NOTE);
    }
    return Optional.empty();
  }

  /**
   * {@code "<CODE> <message>"} for a failure to accept a signed note, else the message alone:
   * the form verifiers report problems in.
   *
   * @param e any exception
   * @return the message, prefixed with the code when there is one
   */
  public static String describe(Throwable e) {
    return of(e).map(c -> c.name() + " " + e.getMessage()).orElse(e.getMessage());
  }
}
