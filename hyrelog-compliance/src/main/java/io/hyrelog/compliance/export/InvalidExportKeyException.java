package io.hyrelog.compliance.export;

import io.hyrelog.HyrelogException;

/** An export encryption key (or its id) is malformed or unreadable; the message says how. */
public class InvalidExportKeyException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * An export key that cannot be used.
   *
   * @param message what is wrong, never the key
   */
  public InvalidExportKeyException(String message) {
    super(message);
  }
}
