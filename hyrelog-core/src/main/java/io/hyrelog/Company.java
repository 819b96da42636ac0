package io.hyrelog;

import java.util.Objects;
import java.util.UUID;

/**
 * A customer of HyreLog: the top of the tenancy tree (company → workspace → project).
 *
 * @param id the company's id
 * @param name the company's display name
 * @param region where the company's data lives; fixed for the company's lifetime
 * @param planTier the plan it pays for
 * @param planOverrides per-company changes on top of the tier's defaults
 */
public record Company(
    UUID id, String name, DataRegion region, PlanTier planTier, PlanOverrides planOverrides) {

  /**
   * Validates the company; null overrides mean none.
   *
   * @param id the company's id
   * @param name the company's display name
   * @param region where the company's data lives; fixed for the company's lifetime
   * @param planTier the plan it pays for
   * @param planOverrides per-company changes on top of the tier's defaults
   */
  public Company {
    Objects.requireNonNull(id, "id");
    name = Names.requireName("company name", name);
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(planTier, "planTier");
    planOverrides = planOverrides == null ? PlanOverrides.NONE : planOverrides;
  }

  /**
   * The plan in force: the stored values of this company's tier (a {@link
   * io.hyrelog.spi.TenantDirectory#plans() TenantDirectory's plans}) with this company's
   * overrides applied.
   *
   * @param tierValues the values of this company's tier, as its directory stores them
   * @return the effective plan
   * @throws IllegalArgumentException when {@code tierValues} is another tier's
   */
  public Plan plan(Plan tierValues) {
    Objects.requireNonNull(tierValues, "tierValues");
    if (tierValues.tier() != planTier) {
      throw new IllegalArgumentException("company " + id + " is on plan " + planTier
          + ", not " + tierValues.tier());
    }
    return tierValues.withOverrides(planOverrides);
  }

  /**
   * This company on another tier; its overrides stay.
   *
   * @param tier the new tier
   * @return the company on {@code tier}
   */
  public Company withPlanTier(PlanTier tier) {
    return new Company(id, name, region, tier, planOverrides);
  }
}
