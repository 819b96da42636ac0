package io.hyrelog.lifecycle;

import io.hyrelog.HyrelogException;
import io.hyrelog.PlanTier;
import io.hyrelog.RestoreTier;
import java.util.Set;

/**
 * The company's plan does not allow this restore: no restores at all (FREE, STARTER) or not
 * with this tier. {@link #allowedTiers()} says what the plan allows (empty: upgrade the plan).
 */
public final class RestoreNotAllowedException extends HyrelogException {
  private static final long serialVersionUID = 1L;
  /** The company's plan tier. */
  private final PlanTier plan;
  private final transient Set<RestoreTier> allowedTiers;

  /**
   * A restore the plan does not allow.
   *
   * @param plan the company's plan tier
   * @param tier the tier asked for
   * @param allowedTiers the tiers the plan allows; empty when none
   */
  public RestoreNotAllowedException(PlanTier plan, RestoreTier tier,
      Set<RestoreTier> allowedTiers) {
    super(allowedTiers.isEmpty()
        ? "the " + plan + " plan does not include restores from the cold tier; upgrade to"
            + " GROWTH or ENTERPRISE"
        : "the " + plan + " plan does not include " + tier + " restores; allowed tiers: "
            + allowedTiers);
    this.plan = plan;
    this.allowedTiers = Set.copyOf(allowedTiers);
  }

  /**
   * The company's plan tier.
   *
   * @return the plan tier
   */
  public PlanTier plan() {
    return plan;
  }

  /**
   * The tiers the plan allows; empty when it allows no restore.
   *
   * @return the tiers, unmodifiable
   */
  public Set<RestoreTier> allowedTiers() {
    return allowedTiers;
  }
}
