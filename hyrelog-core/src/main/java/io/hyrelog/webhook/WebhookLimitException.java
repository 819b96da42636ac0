package io.hyrelog.webhook;

import io.hyrelog.HyrelogException;

/** A company already has as many webhook endpoints as it may; nothing was stored. */
public final class WebhookLimitException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /** The company's limit. */
  private final int limit;

  /**
   * Creates the exception.
   *
   * @param limit the company's limit
   */
  public WebhookLimitException(int limit) {
    super("the company already has " + limit + " webhook endpoints, its plan's maximum");
    this.limit = limit;
  }

  /**
   * The company's limit.
   *
   * @return the limit
   */
  public int limit() {
    return limit;
  }
}
