package io.hyrelog;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Per-company changes to a plan's defaults. A {@code null} component leaves the plan's value
 * alone; an empty optional explicitly sets "none" (no archive, no cold tier, unlimited rows).
 */
public record PlanOverrides(
    Integer hotRetentionDays,
    OptionalInt archiveRetentionDays,
    OptionalInt coldArchiveAfterDays,
    OptionalLong maxExportRows,
    Boolean webhooksEnabled,
    Integer maxWebhooks,
    Boolean streamingExportsEnabled,
    Boolean customCategoriesEnabled) {

  /** No overrides: the tier's defaults apply unchanged. */
  public static final PlanOverrides NONE =
      new PlanOverrides(null, null, null, null, null, null, null, null);

  /**
   * Whether no value is overridden.
   *
   * @return true when nothing is overridden
   */
  public boolean isEmpty() {
    return equals(NONE);
  }
}
