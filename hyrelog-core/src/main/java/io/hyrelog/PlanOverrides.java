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
   * The overridden values by their component names, in declaration order: an {@link Integer},
   * {@link Long} or {@link Boolean}, or {@code null} where the override explicitly sets "none"
   * (an empty optional). Values not overridden are absent. The JSON form of the overrides.
   *
   * @return the overridden values; a new, modifiable map
   */
  public java.util.LinkedHashMap<String, Object> values() {
    java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
    put(m, "hotRetentionDays", hotRetentionDays);
    if (archiveRetentionDays != null) {
      m.put("archiveRetentionDays", archiveRetentionDays.isPresent()
          ? archiveRetentionDays.getAsInt() : null);
    }
    if (coldArchiveAfterDays != null) {
      m.put("coldArchiveAfterDays", coldArchiveAfterDays.isPresent()
          ? coldArchiveAfterDays.getAsInt() : null);
    }
    if (maxExportRows != null) {
      m.put("maxExportRows", maxExportRows.isPresent() ? maxExportRows.getAsLong() : null);
    }
    put(m, "webhooksEnabled", webhooksEnabled);
    put(m, "maxWebhooks", maxWebhooks);
    put(m, "streamingExportsEnabled", streamingExportsEnabled);
    put(m, "customCategoriesEnabled", customCategoriesEnabled);
    return m;
  }

  private static void put(java.util.Map<String, Object> m, String name, Object value) {
    if (value != null) {
      m.put(name, value);
    }
  }

  /**
   * Whether no value is overridden.
   *
   * @return true when nothing is overridden
   */
  public boolean isEmpty() {
    return equals(NONE);
  }
}
