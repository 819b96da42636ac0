package io.hyrelog;

/** The four plan tiers, in ascending order of features. */
public enum PlanTier {
  FREE,
  STARTER,
  GROWTH,
  ENTERPRISE;

  /** Whether this tier is {@code other} or above. */
  public boolean atLeast(PlanTier other) {
    return compareTo(other) >= 0;
  }
}
