package io.hyrelog.compliance;

import io.hyrelog.HyrelogException;

/**
 * A key file (PEM) cannot be used: missing, unreadable, not PEM, not Ed25519, encrypted, or the
 * wrong half of the pair. The message names the file and what to do; it never contains key
 * material.
 */
public class InvalidKeyFileException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * A key file that cannot be used.
   *
   * @param message the file and what is wrong, never key material
   */
  public InvalidKeyFileException(String message) {
    super(message);
  }

  /**
   * A key file that cannot be used, with the cause.
   *
   * @param message the file and what is wrong, never key material
   * @param cause the cause
   */
  public InvalidKeyFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
