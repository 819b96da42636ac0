package io.hyrelog.webhook;

import io.hyrelog.HyrelogException;

/**
 * A webhook secret's text form is not {@code whsec_} and the canonical base64 of 24 to 64 bytes.
 * The message says what is wrong and never repeats the secret; pass the secret exactly as it was
 * shown when the endpoint was created or its secret rotated.
 */
public final class InvalidWebhookSecretException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, without the secret
   */
  public InvalidWebhookSecretException(String message) {
    super(message);
  }
}
