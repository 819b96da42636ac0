package io.hyrelog.webhook;

/** Where one delivery stands. */
public enum DeliveryStatus {
  /** Not yet delivered: due now or at its next attempt time. */
  PENDING,
  /** An attempt got a 2xx answer; never sent again (unless retried by hand). */
  SUCCEEDED,
  /** Every scheduled attempt failed; never sent again unless retried by hand. */
  FAILED
}
