package io.hyrelog.compliance;

import io.hyrelog.HyrelogException;

/**
 * A signing backend (an external KMS or HSM) failed or returned a signature that does not
 * verify under the key it claims. Retrying may help when the backend was unavailable; a
 * signature that does not verify means the backend holds another key: fix the configuration.
 */
public class SigningException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  public SigningException(String message) {
    super(message);
  }

  public SigningException(String message, Throwable cause) {
    super(message, cause);
  }
}
