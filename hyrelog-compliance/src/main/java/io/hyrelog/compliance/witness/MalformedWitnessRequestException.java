package io.hyrelog.compliance.witness;

import io.hyrelog.HyrelogException;

/**
 * An {@code add-checkpoint} request body is not in the C2SP tlog-witness format (HTTP 400). The
 * message names the line but never repeats its content.
 */
public final class MalformedWitnessRequestException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * A witness request body that is not in the C2SP form.
   *
   * @param message the offending line and what is wrong
   */
  public MalformedWitnessRequestException(String message) {
    super(message);
  }

  /**
   * A witness request body that is not in the C2SP form, with the cause.
   *
   * @param message the offending line and what is wrong
   * @param cause the cause
   */
  public MalformedWitnessRequestException(String message, Throwable cause) {
    super(message, cause);
  }
}
