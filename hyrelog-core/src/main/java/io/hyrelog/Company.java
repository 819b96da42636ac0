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
   * The plan in force: the tier's defaults with this company's overrides applied.
   *
   * @return the effective plan
   */
  public Plan plan() {
    return Plan.defaults(planTier).withOverrides(planOverrides);
  }
}
