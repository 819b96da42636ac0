package io.hyrelog.integrity;


/**
 * Signs checkpoints and other signed notes (C2SP signed-note). Implementations hold a key in
 * memory (from a PEM file) or delegate to an external KMS or HSM. MUST be thread-safe, and MUST
 * never expose key material in {@code toString}, logs or exceptions.
 */
public interface NoteSigner {
  /**
   * The key name that appears in signature lines.
   *
   * @return the key name
   */
  String name();

  /**
   * The public half, for publishing and for verification.
   *
   * @return the verifier
   */
  NoteVerifier verifier();

  /**
   * Signs the note text (which ends with a newline).
   *
   * @param text the note text
   * @return the signature
   * @throws io.hyrelog.HyrelogException when the signing backend fails
   */
  NoteSignature sign(String text);
}
