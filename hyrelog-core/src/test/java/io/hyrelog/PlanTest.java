package io.hyrelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PlanTest {
  @Test
  void defaults_matchTheSeedPlanTable() {
    Plan free = Plan.defaults(PlanTier.FREE);
    assertThat(free.hotRetentionDays()).isEqualTo(7);
    assertThat(free.maxExportRows()).hasValue(10_000);
    assertThat(free.archiveRetentionDays()).isEmpty();
    assertThat(free.webhooksEnabled()).isFalse();
    assertThat(free.streamingExportsEnabled()).isFalse();
    Plan starter = Plan.defaults(PlanTier.STARTER);
    assertThat(starter.hotRetentionDays()).isEqualTo(30);
    assertThat(starter.maxExportRows()).hasValue(250_000);
    assertThat(starter.archiveRetentionDays()).hasValue(180);
    assertThat(starter.streamingExportsEnabled()).isTrue();
    assertThat(starter.customCategoriesEnabled()).isTrue();
    assertThat(starter.webhooksEnabled()).isFalse();
    Plan growth = Plan.defaults(PlanTier.GROWTH);
    assertThat(growth.hotRetentionDays()).isEqualTo(90);
    assertThat(growth.maxExportRows()).hasValue(1_000_000);
    assertThat(growth.archiveRetentionDays()).hasValue(365);
    assertThat(growth.maxWebhooks()).isEqualTo(3);
    Plan enterprise = Plan.defaults(PlanTier.ENTERPRISE);
    assertThat(enterprise.hotRetentionDays()).isEqualTo(180);
    assertThat(enterprise.maxExportRows()).isEmpty();
    assertThat(enterprise.archiveRetentionDays()).hasValue(2555);
    assertThat(enterprise.maxWebhooks()).isEqualTo(20);
  }

  @Test
  void allowsCategory_withoutCustomCategories_onlyBuiltInOnesExactly() {
    Plan free = Plan.defaults(PlanTier.FREE);
    assertThat(free.allowsCategory("user")).isTrue();
    assertThat(free.allowsCategory("billing")).isTrue();
    assertThat(free.allowsCategory("User")).isFalse();
    assertThat(free.allowsCategory("deploy")).isFalse();
    assertThat(Plan.defaults(PlanTier.STARTER).allowsCategory("deploy")).isTrue();
    assertThat(free.withOverrides(new PlanOverrides(null, null, null, null, null, null, null,
        true)).allowsCategory("deploy")).isTrue();
  }

  @Test
  void gates_complianceExportsFollowExports_evidenceFromGrowth() {
    assertThat(Plan.defaults(PlanTier.FREE).complianceExportsEnabled()).isFalse();
    assertThat(Plan.defaults(PlanTier.STARTER).complianceExportsEnabled()).isTrue();
    assertThat(Plan.defaults(PlanTier.STARTER).evidenceBundlesEnabled()).isFalse();
    assertThat(Plan.defaults(PlanTier.GROWTH).evidenceBundlesEnabled()).isTrue();
    assertThat(Plan.defaults(PlanTier.ENTERPRISE).evidenceBundlesEnabled()).isTrue();
    assertThat(Plan.defaults(PlanTier.GROWTH).withOverrides(new PlanOverrides(null, null, null,
        null, null, null, false, null)).complianceExportsEnabled()).isFalse();
  }

  @Test
  void overridesValues_onlyOverriddenOnes_nullForExplicitNone() {
    PlanOverrides o = new PlanOverrides(45, null, OptionalInt.empty(), OptionalLong.of(7),
        null, 5, null, Boolean.FALSE);
    java.util.Map<String, Object> expected = new java.util.LinkedHashMap<>();
    expected.put("hotRetentionDays", 45);
    expected.put("coldArchiveAfterDays", null);
    expected.put("maxExportRows", 7L);
    expected.put("maxWebhooks", 5);
    expected.put("customCategoriesEnabled", false);
    assertThat(o.values()).containsExactlyEntriesOf(expected);
    assertThat(PlanOverrides.NONE.values()).isEmpty();
  }

  @Test
  void companyPlan_otherTiersValues_refused() {
    Company c = new Company(UUID.randomUUID(), "Acme", DataRegion.US, PlanTier.GROWTH, null);
    assertThatThrownBy(() -> c.plan(Plan.defaults(PlanTier.FREE)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FREE");
  }

  @Test
  void withOverrides_replacesOnlyGivenValues() {
    PlanOverrides o = new PlanOverrides(45, null, OptionalInt.empty(), OptionalLong.empty(),
        null, 5, null, null);
    Plan p = new Company(UUID.randomUUID(), "Acme", DataRegion.US, PlanTier.GROWTH, o)
        .plan(Plan.defaults(PlanTier.GROWTH));
    assertThat(p.hotRetentionDays()).isEqualTo(45);
    assertThat(p.archiveRetentionDays()).hasValue(365);
    assertThat(p.coldArchiveAfterDays()).isEmpty();
    assertThat(p.maxExportRows()).isEmpty();
    assertThat(p.maxWebhooks()).isEqualTo(5);
    assertThat(p.tier()).isEqualTo(PlanTier.GROWTH);
  }

  @Test
  void withOverrides_disablingWebhooks_zeroesTheirCount() {
    PlanOverrides o = new PlanOverrides(null, null, null, null, false, null, null, null);
    assertThat(Plan.defaults(PlanTier.ENTERPRISE).withOverrides(o).maxWebhooks()).isZero();
  }

  @Test
  void withOverrides_invalidValue_isRejected() {
    PlanOverrides o = new PlanOverrides(0, null, null, null, null, null, null, null);
    assertThatThrownBy(() -> Plan.defaults(PlanTier.FREE).withOverrides(o))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hotRetentionDays");
  }

  @Test
  void tiers_areOrdered() {
    assertThat(PlanTier.GROWTH.atLeast(PlanTier.STARTER)).isTrue();
    assertThat(PlanTier.FREE.atLeast(PlanTier.STARTER)).isFalse();
  }

  @Test
  void apiKeyTypes_companyKeysNeverIngest() {
    assertThat(ApiKeyType.COMPANY.allows(ApiKeyScope.EVENTS_WRITE)).isFalse();
    assertThat(ApiKeyType.WORKSPACE.allows(ApiKeyScope.EVENTS_WRITE)).isTrue();
    assertThat(ApiKeyType.WORKSPACE.allows(ApiKeyScope.KEYS_MANAGE)).isFalse();
  }

  @Test
  void dataRegion_parse_isCaseInsensitiveAndRejectsUnknown() {
    assertThat(DataRegion.parse("eu")).isEqualTo(DataRegion.EU);
    assertThatThrownBy(() -> DataRegion.parse("mars"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("US, EU, UK, AU");
  }
}
