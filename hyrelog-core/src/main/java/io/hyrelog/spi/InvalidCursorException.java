package io.hyrelog.spi;

import io.hyrelog.HyrelogException;

/**
 * A paging cursor was not one this store issued (garbled, truncated or from another format
 * version). Start again without a cursor (HTTP 400).
 */
public final class InvalidCursorException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * A page cursor that is not one this store issued.
   *
   * @param message what is wrong with it (never the cursor's text)
   */
  public InvalidCursorException(String message) {
    super(message);
  }
}
