package io.hyrelog.compliance.evidence;

import io.hyrelog.HyrelogException;

/**
 * An evidence bundle could not be written, copied, sealed or delivered. The message names the
 * step and the file; it never carries key material or tokens.
 */
public class EvidenceException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * A step of an evidence bundle failed.
   *
   * @param message what failed, with names and numbers, never keys
   */
  public EvidenceException(String message) {
    super(message);
  }

  /**
   * A step of an evidence bundle failed, with the cause.
   *
   * @param message what failed, with names and numbers, never keys
   * @param cause the cause
   */
  public EvidenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
