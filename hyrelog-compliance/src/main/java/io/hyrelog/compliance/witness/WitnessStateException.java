package io.hyrelog.compliance.witness;

import io.hyrelog.HyrelogException;

/**
 * A witness cannot read or durably write its state (the last cosigned checkpoint of each log),
 * or its state directory is in use by another witness. Nothing was cosigned or changed by the
 * request that failed; retry once the storage is healthy. A corrupt state file stops the
 * witness from opening rather than resetting what it has cosigned.
 */
public final class WitnessStateException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * The witness's state cannot be read or made durable.
   *
   * @param message what failed, with the log's origin
   */
  public WitnessStateException(String message) {
    super(message);
  }

  /**
   * The witness's state cannot be read or made durable, with the cause.
   *
   * @param message what failed, with the log's origin
   * @param cause the cause
   */
  public WitnessStateException(String message, Throwable cause) {
    super(message, cause);
  }
}
