package io.hyrelog.compliance;

import io.hyrelog.HyrelogException;

/**
 * A signing backend (an external KMS or HSM) failed or returned a signature that does not
 * verify under the key it claims. Retrying may help when the backend was unavailable; a
 * signature that does not verify means the backend holds another key: fix the configuration.
 */
public class SigningException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * A signing backend failed.
   *
   * @param message what failed, never key material
   */
  public SigningException(String message) {
    super(message);
  }

  /**
   * A signing backend failed, with the cause.
   *
   * @param message what failed, never key material
   * @param cause the cause
   */
  public SigningException(String message, Throwable cause) {
    super(message, cause);
  }
}
