package io.hyrelog.integrity;

import io.hyrelog.HyrelogException;

/**
 * A well-formed signed note failed verification: a signature from a trusted key did not verify, or
 * no trusted key signed it at all. The message names key names and key ids, never key material. The
 * note's text must not be trusted.
 */
public class InvalidSignatureException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * A signature that does not verify, or none by a trusted key.
   *
   * @param message which key names and ids were seen
   */
  public InvalidSignatureException(String message) {
    super(message);
  }
}
