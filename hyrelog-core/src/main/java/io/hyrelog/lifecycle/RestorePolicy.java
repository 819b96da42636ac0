package io.hyrelog.lifecycle;

import io.hyrelog.Plan;
import io.hyrelog.PlanTier;
import io.hyrelog.RestoreTier;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The rules of restore requests: which plans may restore with which tier, how many days a
 * restored copy stays readable, and what a restore is estimated to cost. Immutable and
 * thread-safe; {@link #defaults()} or {@link #builder()}.
 *
 * <p>Plan rules (the seed's): FREE and STARTER may not restore; GROWTH may use STANDARD and BULK;
 * ENTERPRISE all three tiers.
 *
 * <p>Cold tier: only a plan that may restore has its archive moved to the cold tier ({@link
 * #coldArchiveAfterDays}). A cold segment is readable only after a restore, so a plan without
 * restores keeps its segments readable for its whole archive retention: its data stays
 * exportable until it expires.
 *
 * <p>Days: 1 to {@link #maxDays()} (default 30), {@link #defaultDays()} (default 7) when the
 * request names none. The store's own bound is 365.
 *
 * <p>Cost estimate of restoring one object of {@code n} bytes with a tier: {@code n / 2^30 ×
 * pricePerGb + pricePer1000Requests / 1000} (one restore request per object; AWS bills "GB" as
 * 2^30 bytes), rounded up to 6 decimal places, in {@link #currency()}. Money is {@link
 * BigDecimal} throughout, never floating point. The defaults are the list prices of S3 Glacier
 * Flexible Retrieval retrievals, US East (N. Virginia), USD, as published by AWS (S3 pricing
 * page; the re:Post article "s3-manage-data-retrieval" and the S3 user guide "Archive retrieval
 * options", read November 2026):
 * <ul>
 *   <li>EXPEDITED: 0.03 per GB and 10.00 per 1,000 requests;
 *   <li>STANDARD: 0.01 per GB and 0.05 per 1,000 requests;
 *   <li>BULK: free (0 and 0).
 * </ul>
 * Other regions and storage classes (Deep Archive) cost differently: set the prices with the
 * builder. The estimate excludes storage of the restored copy and data transfer.
 */
public final class RestorePolicy {
  /** The scale of estimates: 6 decimal places, rounded up. */
  public static final int SCALE = 6;
  private static final BigDecimal BYTES_PER_GB = BigDecimal.valueOf(1L << 30);
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

  private final Map<PlanTier, Set<RestoreTier>> tiers;
  private final Map<RestoreTier, Price> prices;
  private final String currency;
  private final int defaultDays;
  private final int maxDays;

  /**
   * The price of one tier.
   *
   * @param perGb the price per GB retrieved
   * @param per1000Requests the price per 1,000 restore requests
   */
  public record Price(BigDecimal perGb, BigDecimal per1000Requests) {
    /**
     * Validates the price.
     *
     * @param perGb the price per GB retrieved
     * @param per1000Requests the price per 1,000 restore requests
     */
    public Price {
      Objects.requireNonNull(perGb, "perGb");
      Objects.requireNonNull(per1000Requests, "per1000Requests");
      if (perGb.signum() < 0 || per1000Requests.signum() < 0) {
        throw new IllegalArgumentException("prices are >= 0, got " + perGb + " per GB and "
            + per1000Requests + " per 1000 requests");
      }
    }
  }

  private RestorePolicy(Builder b) {
    this.tiers = Collections.unmodifiableMap(new EnumMap<>(b.tiers));
    this.prices = Collections.unmodifiableMap(new EnumMap<>(b.prices));
    this.currency = b.currency;
    this.defaultDays = b.defaultDays;
    this.maxDays = b.maxDays;
  }

  /**
   * The seed's plan rules, 7 of 1..30 days, S3 Glacier Flexible Retrieval list prices.
   *
   * @return the default policy
   */
  public static RestorePolicy defaults() {
    return builder().build();
  }

  /**
   * Starts from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The tiers a plan tier may restore with; empty when it may not restore at all.
   *
   * @param plan the plan tier
   * @return the tiers
   */
  public Set<RestoreTier> allowedTiers(PlanTier plan) {
    return tiers.get(Objects.requireNonNull(plan, "plan"));
  }

  /**
   * The days after archival that a plan's segments move to the cold tier: the plan's own value
   * when its tier may restore with at least one tier, empty otherwise (whatever the plan or its
   * overrides say). Moving the archive of a plan that may not restore to the cold tier would
   * make its data unexportable long before its archive retention ends.
   *
   * @param plan the company's effective plan
   * @return the cold-after days, or empty when the plan's archive never goes cold
   */
  public OptionalInt coldArchiveAfterDays(Plan plan) {
    Objects.requireNonNull(plan, "plan");
    return allowedTiers(plan.tier()).isEmpty() ? OptionalInt.empty()
        : plan.coldArchiveAfterDays();
  }

  /**
   * Checks the plan rule.
   *
   * @param plan the plan tier
   * @param tier the tier asked for
   * @throws RestoreNotAllowedException when the plan allows no restore or not this tier
   */
  public void requireAllowed(PlanTier plan, RestoreTier tier) {
    Objects.requireNonNull(tier, "tier");
    Set<RestoreTier> allowed = allowedTiers(plan);
    if (!allowed.contains(tier)) {
      throw new RestoreNotAllowedException(plan, tier, allowed);
    }
  }

  /**
   * Whether {@code days} is within 1..{@link #maxDays()}.
   *
   * @param days the number of days
   * @return true when allowed
   */
  public boolean daysAllowed(int days) {
    return days >= 1 && days <= maxDays;
  }

  /**
   * Days of a request that names none.
   *
   * @return the days
   */
  public int defaultDays() {
    return defaultDays;
  }

  /**
   * The most days a request may ask for.
   *
   * @return the days
   */
  public int maxDays() {
    return maxDays;
  }

  /**
   * The ISO 4217 code of the prices.
   *
   * @return the currency code
   */
  public String currency() {
    return currency;
  }

  /**
   * The price of a tier.
   *
   * @param tier the tier
   * @return the price
   */
  public Price price(RestoreTier tier) {
    return prices.get(Objects.requireNonNull(tier, "tier"));
  }

  /**
   * The estimated cost of restoring one object of {@code sizeBytes} with {@code tier}.
   *
   * @param tier the tier
   * @param sizeBytes the object's size in bytes, not negative
   * @return the estimate
   */
  public CostEstimate estimate(RestoreTier tier, long sizeBytes) {
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must be >= 0, got " + sizeBytes);
    }
    Price p = price(tier);
    BigDecimal retrieval = BigDecimal.valueOf(sizeBytes).multiply(p.perGb())
        .divide(BYTES_PER_GB, SCALE + 4, RoundingMode.CEILING);
    BigDecimal request = p.per1000Requests().divide(THOUSAND, SCALE + 4, RoundingMode.CEILING);
    return new CostEstimate(retrieval.add(request).setScale(SCALE, RoundingMode.CEILING),
        currency);
  }

  @Override
  public String toString() {
    return "RestorePolicy[tiers=" + tiers + ", days=" + defaultDays + " of 1.." + maxDays
        + ", prices=" + prices + " " + currency + "]";
  }

  /** Builds a policy; each setter rejects a bad value at once. */
  public static final class Builder {
    private final Map<PlanTier, Set<RestoreTier>> tiers = new EnumMap<>(PlanTier.class);
    private final Map<RestoreTier, Price> prices = new EnumMap<>(RestoreTier.class);
    private String currency = "USD";
    private int defaultDays = 7;
    private int maxDays = 30;

    private Builder() {
      tiers.put(PlanTier.FREE, Set.of());
      tiers.put(PlanTier.STARTER, Set.of());
      tiers.put(PlanTier.GROWTH, Collections.unmodifiableSet(
          EnumSet.of(RestoreTier.STANDARD, RestoreTier.BULK)));
      tiers.put(PlanTier.ENTERPRISE, Collections.unmodifiableSet(
          EnumSet.allOf(RestoreTier.class)));
      prices.put(RestoreTier.EXPEDITED, new Price(new BigDecimal("0.03"),
          new BigDecimal("10.00")));
      prices.put(RestoreTier.STANDARD, new Price(new BigDecimal("0.01"),
          new BigDecimal("0.05")));
      prices.put(RestoreTier.BULK, new Price(BigDecimal.ZERO, BigDecimal.ZERO));
    }

    /**
     * The tiers a plan tier may restore with (empty: none).
     *
     * @param plan the plan tier
     * @param allowed the tiers
     * @return this builder
     */
    public Builder allowedTiers(PlanTier plan, Set<RestoreTier> allowed) {
      Objects.requireNonNull(plan, "plan");
      Set<RestoreTier> copy = allowed.isEmpty() ? EnumSet.noneOf(RestoreTier.class)
          : EnumSet.copyOf(allowed);
      tiers.put(plan, Collections.unmodifiableSet(copy));
      return this;
    }

    /**
     * The price of one tier.
     *
     * @param tier the tier
     * @param perGb the price per GB retrieved
     * @param per1000Requests the price per 1,000 restore requests
     * @return this builder
     */
    public Builder price(RestoreTier tier, BigDecimal perGb, BigDecimal per1000Requests) {
      prices.put(Objects.requireNonNull(tier, "tier"), new Price(perGb, per1000Requests));
      return this;
    }

    /**
     * The ISO 4217 code of the prices.
     *
     * @param code the currency code
     * @return this builder
     */
    public Builder currency(String code) {
      new CostEstimate(BigDecimal.ZERO, code);
      this.currency = code;
      return this;
    }

    /**
     * Days when a request names none (1..365).
     *
     * @param days the days
     * @return this builder
     */
    public Builder defaultDays(int days) {
      if (days < 1 || days > 365) {
        throw new IllegalArgumentException("defaultDays must be 1..365, got " + days);
      }
      this.defaultDays = days;
      return this;
    }

    /**
     * The most days a request may ask for (1..365, the store's bound).
     *
     * @param days the days
     * @return this builder
     */
    public Builder maxDays(int days) {
      if (days < 1 || days > 365) {
        throw new IllegalArgumentException("maxDays must be 1..365, got " + days);
      }
      this.maxDays = days;
      return this;
    }

    /**
     * @return the policy
     * @throws IllegalArgumentException when defaultDays exceeds maxDays
     */
    public RestorePolicy build() {
      if (defaultDays > maxDays) {
        throw new IllegalArgumentException("defaultDays " + defaultDays + " exceeds maxDays "
            + maxDays);
      }
      return new RestorePolicy(this);
    }
  }
}
