package io.hyrelog.compliance.export;

import io.hyrelog.HyrelogException;

/**
 * An encrypted export could not be authenticated: it was modified, truncated, extended or
 * reordered, or the key is not the one it was encrypted with. Nothing unauthenticated was
 * released; for the streaming format, segments written before the failure were each
 * authenticated but the file as a whole is NOT (discard that output).
 */
public class ExportDecryptionException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * An encrypted export that cannot be decrypted.
   *
   * @param message what is wrong, never key material
   */
  public ExportDecryptionException(String message) {
    super(message);
  }

  /**
   * An encrypted export that cannot be decrypted, with the cause.
   *
   * @param message what is wrong, never key material
   * @param cause the cause
   */
  public ExportDecryptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
