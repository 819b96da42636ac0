package io.hyrelog;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The limits and features a company gets: its tier's defaults with the company's overrides
 * merged on top ({@link #withOverrides}).
 *
 * @param tier the plan tier these values started from
 * @param hotRetentionDays days events stay in the hot store before they become archival
 *     candidates
 * @param archiveRetentionDays days archived events are kept; empty when the plan has no archive
 *     (archived exports are then refused)
 * @param coldArchiveAfterDays days after archival that an archive moves to the cold tier; empty
 *     when the plan never moves archives to cold storage
 * @param maxExportRows rows one export may hold; empty means unlimited
 * @param webhooksEnabled whether webhooks may be configured
 * @param maxWebhooks webhook endpoints allowed (0 when disabled)
 * @param streamingExportsEnabled whether exports are allowed at all
 * @param customCategoriesEnabled whether categories outside the built-in set are accepted
 */
public record Plan(
    PlanTier tier,
    int hotRetentionDays,
    OptionalInt archiveRetentionDays,
    OptionalInt coldArchiveAfterDays,
    OptionalLong maxExportRows,
    boolean webhooksEnabled,
    int maxWebhooks,
    boolean streamingExportsEnabled,
    boolean customCategoriesEnabled) {

  /**
   * Validates the plan.
   *
   * @param tier the plan tier these values started from
   * @param hotRetentionDays days events stay in the hot store before they become archival
   *     candidates
   * @param archiveRetentionDays days archived events are kept; empty when the plan has no
   *     archive (archived exports are then refused)
   * @param coldArchiveAfterDays days after archival that an archive moves to the cold tier;
   *     empty when the plan never moves archives to cold storage
   * @param maxExportRows rows one export may hold; empty means unlimited
   * @param webhooksEnabled whether webhooks may be configured
   * @param maxWebhooks webhook endpoints allowed (0 when disabled)
   * @param streamingExportsEnabled whether exports are allowed at all
   * @param customCategoriesEnabled whether categories outside the built-in set are accepted
   * @throws IllegalArgumentException when a day count or row limit is not positive, or the
   *     webhook settings disagree
   */
  public Plan {
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(archiveRetentionDays, "archiveRetentionDays");
    Objects.requireNonNull(coldArchiveAfterDays, "coldArchiveAfterDays");
    Objects.requireNonNull(maxExportRows, "maxExportRows");
    requirePositive("hotRetentionDays", hotRetentionDays);
    archiveRetentionDays.ifPresent(d -> requirePositive("archiveRetentionDays", d));
    coldArchiveAfterDays.ifPresent(d -> requirePositive("coldArchiveAfterDays", d));
    maxExportRows.ifPresent(r -> requirePositive("maxExportRows", r));
    if (maxWebhooks < 0) {
      throw new IllegalArgumentException("maxWebhooks must be >= 0, got " + maxWebhooks);
    }
    if (!webhooksEnabled && maxWebhooks != 0) {
      throw new IllegalArgumentException(
          "maxWebhooks must be 0 when webhooks are disabled, got " + maxWebhooks);
    }
  }

  /**
   * The categories every plan may use; a plan without {@link #customCategoriesEnabled()}
   * accepts only these (lowercase, compared exactly).
   */
  public static final java.util.Set<String> BUILT_IN_CATEGORIES = java.util.Collections
      .unmodifiableSet(new java.util.TreeSet<>(java.util.List.of("admin", "api", "auth",
          "billing", "data", "integration", "security", "settings", "system", "user")));

  /**
   * Whether events of {@code category} may be recorded: a built-in category always, any other
   * only with {@link #customCategoriesEnabled()}.
   *
   * @param category the event's category
   * @return true when allowed
   */
  public boolean allowsCategory(String category) {
    return customCategoriesEnabled || BUILT_IN_CATEGORIES.contains(category);
  }

  /**
   * Whether the {@code compliance.export} job exports this company's records: exactly when the
   * plan allows exports at all ({@link #streamingExportsEnabled()}, STARTER and above by
   * default). A compliance export is the same data as an export, encrypted and delivered; a
   * plan that may not take its data out by one may not by the other.
   *
   * @return true when compliance exports are allowed
   */
  public boolean complianceExportsEnabled() {
    return streamingExportsEnabled;
  }

  /**
   * Whether evidence bundles (signed, countersignable packages for auditors) may be exported,
   * countersigned and verified on the server: GROWTH and ENTERPRISE. Bundles are the
   * audit-readiness tier of the product (like webhooks): each takes signing work, disk quota
   * and optionally external WORM and KMS calls, and they are meant for companies under formal
   * audits, which the lower tiers' retention (at most 180 days archived) does not cover.
   *
   * @return true when evidence bundles are allowed
   */
  public boolean evidenceBundlesEnabled() {
    return tier.atLeast(PlanTier.GROWTH);
  }

  /**
   * The values HyreLog ships for a tier (the seed system's plan table): what the PostgreSQL
   * migration seeds the {@code plans} table with and what an in-memory directory starts from.
   * At run time the tier's values come from the {@link io.hyrelog.spi.TenantDirectory#plans()
   * directory}, where an operator may have changed them; only tests and in-memory set-ups read
   * these. Cold-tier days are HyreLog's own defaults; the seed left them to deployment.
   *
   * @param tier the tier
   * @return its default plan
   */
  public static Plan defaults(PlanTier tier) {
    return switch (tier) {
      case FREE -> new Plan(tier, 7, OptionalInt.empty(), OptionalInt.empty(),
          OptionalLong.of(10_000), false, 0, false, false);
      case STARTER -> new Plan(tier, 30, OptionalInt.of(180), OptionalInt.of(90),
          OptionalLong.of(250_000), false, 0, true, true);
      case GROWTH -> new Plan(tier, 90, OptionalInt.of(365), OptionalInt.of(180),
          OptionalLong.of(1_000_000), true, 3, true, true);
      case ENTERPRISE -> new Plan(tier, 180, OptionalInt.of(2555), OptionalInt.of(365),
          OptionalLong.empty(), true, 20, true, true);
    };
  }

  /**
   * This plan with every value the overrides set replaced; the result is validated again.
   *
   * @param o the overrides
   * @return the plan with them applied
   */
  public Plan withOverrides(PlanOverrides o) {
    Objects.requireNonNull(o, "overrides");
    boolean webhooks = o.webhooksEnabled() != null ? o.webhooksEnabled() : webhooksEnabled;
    int maxHooks = o.maxWebhooks() != null ? o.maxWebhooks() : maxWebhooks;
    if (!webhooks) {
      maxHooks = 0;
    }
    return new Plan(
        tier,
        o.hotRetentionDays() != null ? o.hotRetentionDays() : hotRetentionDays,
        o.archiveRetentionDays() != null ? o.archiveRetentionDays() : archiveRetentionDays,
        o.coldArchiveAfterDays() != null ? o.coldArchiveAfterDays() : coldArchiveAfterDays,
        o.maxExportRows() != null ? o.maxExportRows() : maxExportRows,
        webhooks,
        maxHooks,
        o.streamingExportsEnabled() != null ? o.streamingExportsEnabled() : streamingExportsEnabled,
        o.customCategoriesEnabled() != null
            ? o.customCategoriesEnabled()
            : customCategoriesEnabled);
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + value);
    }
  }
}
