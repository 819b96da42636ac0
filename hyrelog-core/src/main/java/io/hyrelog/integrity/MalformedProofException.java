package io.hyrelog.integrity;

import io.hyrelog.HyrelogException;

/**
 * A proof document is not in the shape HyreLog serves (unknown or missing member, wrong type, a
 * hash that is not 64 lowercase hex digits, a size out of range, too large). The message names
 * the member but never repeats the input. Nothing can be done with the document.
 */
public final class MalformedProofException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * A proof document that is not in the JSON form.
   *
   * @param message the offending member and what is wrong
   */
  public MalformedProofException(String message) {
    super(message);
  }

  /**
   * A proof document that is not in the JSON form, with the parse failure.
   *
   * @param message the offending member and what is wrong
   * @param cause the parse failure
   */
  public MalformedProofException(String message, Throwable cause) {
    super(message, cause);
  }
}
