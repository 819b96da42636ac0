package io.hyrelog;

/** The four plan tiers, in ascending order of features. */
public enum PlanTier {
  /** The free tier. */
  FREE,
  /** The starter tier. */
  STARTER,
  /** The growth tier. */
  GROWTH,
  /** The enterprise tier. */
  ENTERPRISE;

  /**
   * Whether this tier is {@code other} or above.
   *
   * @param other another tier
   * @return true when this tier is {@code other} or higher
   */
  public boolean atLeast(PlanTier other) {
    return compareTo(other) >= 0;
  }
}
