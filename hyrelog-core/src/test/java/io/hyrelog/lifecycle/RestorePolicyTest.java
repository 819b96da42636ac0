package io.hyrelog.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Plan;
import io.hyrelog.PlanOverrides;
import io.hyrelog.PlanTier;
import io.hyrelog.RestoreTier;
import java.math.BigDecimal;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RestorePolicyTest {
  private static final long GB = 1L << 30;
  private final RestorePolicy policy = RestorePolicy.defaults();

  @Test
  void allowedTiers_followTheSeedsPlanRules() {
    assertThat(policy.allowedTiers(PlanTier.FREE)).isEmpty();
    assertThat(policy.allowedTiers(PlanTier.STARTER)).isEmpty();
    assertThat(policy.allowedTiers(PlanTier.GROWTH))
        .containsExactlyInAnyOrder(RestoreTier.STANDARD, RestoreTier.BULK);
    assertThat(policy.allowedTiers(PlanTier.ENTERPRISE))
        .containsExactlyInAnyOrder(RestoreTier.values());
  }

  @Test
  void coldArchiveAfterDays_onlyPlansThatMayRestore_goCold() {
    assertThat(policy.coldArchiveAfterDays(Plan.defaults(PlanTier.GROWTH))).hasValue(180);
    assertThat(policy.coldArchiveAfterDays(Plan.defaults(PlanTier.ENTERPRISE))).hasValue(365);
    // STARTER's plan says 90 days, but it may not restore: its archive stays readable.
    assertThat(Plan.defaults(PlanTier.STARTER).coldArchiveAfterDays()).hasValue(90);
    assertThat(policy.coldArchiveAfterDays(Plan.defaults(PlanTier.STARTER))).isEmpty();
    // An override cannot make a plan without restores go cold either.
    Plan overridden = Plan.defaults(PlanTier.FREE).withOverrides(new PlanOverrides(null, null,
        OptionalInt.of(30), null, null, null, null, null));
    assertThat(overridden.coldArchiveAfterDays()).hasValue(30);
    assertThat(policy.coldArchiveAfterDays(overridden)).isEmpty();
    // A policy that lets STARTER restore lets its archive go cold again.
    RestorePolicy starterRestores = RestorePolicy.builder()
        .allowedTiers(PlanTier.STARTER, Set.of(RestoreTier.BULK)).build();
    assertThat(starterRestores.coldArchiveAfterDays(Plan.defaults(PlanTier.STARTER)))
        .hasValue(90);
  }

  @Test
  void requireAllowed_tierOutsidePlan_namesTheAllowedTiers() {
    assertThatThrownBy(() -> policy.requireAllowed(PlanTier.GROWTH, RestoreTier.EXPEDITED))
        .isInstanceOfSatisfying(RestoreNotAllowedException.class, e -> {
          assertThat(e.allowedTiers()).containsExactlyInAnyOrder(RestoreTier.STANDARD,
              RestoreTier.BULK);
          assertThat(e.getMessage()).contains("EXPEDITED");
        });
    assertThatThrownBy(() -> policy.requireAllowed(PlanTier.STARTER, RestoreTier.BULK))
        .isInstanceOfSatisfying(RestoreNotAllowedException.class,
            e -> assertThat(e.allowedTiers()).isEmpty())
        .hasMessageContaining("upgrade");
    policy.requireAllowed(PlanTier.ENTERPRISE, RestoreTier.EXPEDITED);
  }

  @Test
  void days_defaultSevenOfOneToThirty() {
    assertThat(policy.defaultDays()).isEqualTo(7);
    assertThat(policy.daysAllowed(0)).isFalse();
    assertThat(policy.daysAllowed(1)).isTrue();
    assertThat(policy.daysAllowed(30)).isTrue();
    assertThat(policy.daysAllowed(31)).isFalse();
  }

  @Test
  void estimate_knownAnswers_glacierFlexibleRetrievalListPrices() {
    // 1 GiB standard: 0.01 + 0.05 / 1000
    assertThat(policy.estimate(RestoreTier.STANDARD, GB).amount())
        .isEqualByComparingTo("0.010050");
    // 10 GiB expedited: 0.30 + 10 / 1000
    assertThat(policy.estimate(RestoreTier.EXPEDITED, 10 * GB).amount())
        .isEqualByComparingTo("0.310000");
    assertThat(policy.estimate(RestoreTier.BULK, 500 * GB).amount()).isZero();
    // Rounded up to 6 places: 1 byte of standard is 0.00005 + a tiny bit.
    CostEstimate tiny = policy.estimate(RestoreTier.STANDARD, 1);
    assertThat(tiny.amount()).isEqualByComparingTo("0.000051");
    assertThat(tiny.amount().scale()).isEqualTo(6);
    assertThat(tiny.currency()).isEqualTo("USD");
    assertThat(tiny.amountText()).isEqualTo("0.000051");
  }

  @Test
  void estimate_pricesAreConfigurable() {
    RestorePolicy p = RestorePolicy.builder().currency("EUR")
        .price(RestoreTier.BULK, new BigDecimal("0.0025"), new BigDecimal("0.025")).build();
    assertThat(p.estimate(RestoreTier.BULK, 4 * GB))
        .isEqualTo(new CostEstimate(new BigDecimal("0.010025"), "EUR"));
  }

  @Test
  void builder_rejectsBadValuesAtOnce() {
    assertThatThrownBy(() -> RestorePolicy.builder().maxDays(0))
        .hasMessageContaining("maxDays must be 1..365, got 0");
    assertThatThrownBy(() -> RestorePolicy.builder().defaultDays(366))
        .hasMessageContaining("defaultDays");
    assertThatThrownBy(() -> RestorePolicy.builder().currency("usd"))
        .hasMessageContaining("ISO 4217");
    assertThatThrownBy(() -> RestorePolicy.builder().price(RestoreTier.BULK,
        new BigDecimal("-1"), BigDecimal.ZERO)).hasMessageContaining(">= 0");
    assertThatThrownBy(() -> RestorePolicy.builder().defaultDays(20).maxDays(10).build())
        .hasMessageContaining("exceeds maxDays");
    assertThatThrownBy(() -> policy.estimate(RestoreTier.BULK, -1))
        .isInstanceOf(IllegalArgumentException.class);
    RestorePolicy none = RestorePolicy.builder().allowedTiers(PlanTier.ENTERPRISE, Set.of())
        .build();
    assertThat(none.allowedTiers(PlanTier.ENTERPRISE)).isEmpty();
  }
}
