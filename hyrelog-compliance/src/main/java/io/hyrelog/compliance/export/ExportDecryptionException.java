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

  public ExportDecryptionException(String message) {
    super(message);
  }

  public ExportDecryptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
