package io.hyrelog.compliance;

import io.hyrelog.HyrelogException;

/**
 * A key file (PEM) cannot be used: missing, unreadable, not PEM, not Ed25519, encrypted, or the
 * wrong half of the pair. The message names the file and what to do; it never contains key
 * material.
 */
public class InvalidKeyFileException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  public InvalidKeyFileException(String message) {
    super(message);
  }

  public InvalidKeyFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
