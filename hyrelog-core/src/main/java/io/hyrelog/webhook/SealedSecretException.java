package io.hyrelog.webhook;

import io.hyrelog.HyrelogException;

/**
 * A sealed webhook secret does not open: it was sealed under another webhook key or for another
 * endpoint, or its bytes were changed. Check the deployment's {@code
 * HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY}; if the key is lost, rotate each endpoint's secret. The
 * message names the endpoint, never a key or a secret.
 */
public final class SealedSecretException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, without key or secret
   */
  public SealedSecretException(String message) {
    super(message);
  }
}
