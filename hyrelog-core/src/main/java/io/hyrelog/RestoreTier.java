package io.hyrelog;

/**
 * How fast a cold archive object is made readable again (the S3 Glacier retrieval tiers). Faster
 * tiers cost more; plans decide which a company may use.
 */
public enum RestoreTier {
  /** Minutes; the most expensive. */
  EXPEDITED,
  /** Hours; the default. */
  STANDARD,
  /** Up to a couple of days; the cheapest. */
  BULK
}
