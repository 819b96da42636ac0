package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.ApiKey;
import io.hyrelog.ApiKeyType;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.IpRange;
import io.hyrelog.Plan;
import io.hyrelog.PlanOverrides;
import io.hyrelog.PlanTier;
import io.hyrelog.Project;
import io.hyrelog.Workspace;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.TenantDirectory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link TenantDirectory}: every adapter's test extends this class and supplies
 * fresh, empty {@link StoragePorts}. Ids come from seeds; the racing test checks whichever
 * interleaving the threads produce.
 */
public abstract class TenantDirectoryContract extends StorageContract {
  protected static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  protected TenantDirectory tenants;
  protected Company company;
  protected Workspace workspace;
  private int seq;

  @Override
  protected Instant start() {
    return NOW;
  }

  @BeforeEach
  void setUpTenants() {
    tenants = ports.tenants();
    company = new Company(id(), "Acme", DataRegion.EU, PlanTier.GROWTH,
        new PlanOverrides(120, OptionalInt.empty(), OptionalInt.of(30), OptionalLong.empty(),
            null, 5, null, Boolean.FALSE));
    tenants.createCompany(company);
    workspace = new Workspace(id(), company.id(), "Prod");
    tenants.createWorkspace(workspace);
  }

  /** A new id, the same in every run. */
  protected UUID id() {
    return UUID.nameUUIDFromBytes(("tenant-contract-" + ++seq).getBytes(StandardCharsets.UTF_8));
  }

  private static Digest hmac(String seed) {
    return Digest.sha256(seed.getBytes(StandardCharsets.UTF_8));
  }

  private ApiKey key(String prefix, ApiKeyType type, List<IpRange> allow) {
    return new ApiKey(id(), company.id(), type == ApiKeyType.WORKSPACE ? workspace.id() : null,
        type, prefix, hmac(prefix + seq), allow, NOW.plus(30, ChronoUnit.DAYS), null, null, NOW);
  }

  /** A company round-trips with its region, tier and every override. */
  @Test
  public void company_roundTrip_keepsRegionTierAndEveryOverride() {
    assertThat(tenants.company(company.id())).contains(company);
    Plan growth = tenants.plan(PlanTier.GROWTH);
    assertThat(tenants.company(company.id()).orElseThrow().plan(growth))
        .isEqualTo(company.plan(growth));
    assertThat(tenants.companies()).containsExactly(company);
    assertThat(tenants.company(id())).isEmpty();
  }

  /** Companies are listed in creation order. */
  @Test
  public void companies_inCreationOrder() {
    List<Company> created = new ArrayList<>(List.of(company));
    for (int i = 0; i < 5; i++) {
      Company c = new Company(id(), "C" + i, DataRegion.EU, PlanTier.FREE, null);
      tenants.createCompany(c);
      created.add(c);
    }
    assertThat(tenants.companies()).containsExactlyElementsOf(created);
  }

  /** A new storage holds HyreLog's default values of every tier, in tier order. */
  @Test
  public void plans_newStorage_holdTheDefaultsInTierOrder() {
    assertThat(tenants.plans()).containsExactly(Plan.defaults(PlanTier.FREE),
        Plan.defaults(PlanTier.STARTER), Plan.defaults(PlanTier.GROWTH),
        Plan.defaults(PlanTier.ENTERPRISE));
    assertThat(tenants.plan(PlanTier.STARTER)).isEqualTo(Plan.defaults(PlanTier.STARTER));
  }

  /** Assigning a plan changes the tier only: overrides, name and region stay. */
  @Test
  public void assignPlan_knownCompany_changesTierKeepsOverrides() {
    Company changed = tenants.assignPlan(company.id(), PlanTier.FREE).orElseThrow();
    assertThat(changed).isEqualTo(new Company(company.id(), company.name(), company.region(),
        PlanTier.FREE, company.planOverrides()));
    assertThat(tenants.company(company.id())).contains(changed);
    assertThat(changed.plan(tenants.plan(PlanTier.FREE)).webhooksEnabled()).isFalse();
    assertThat(tenants.assignPlan(company.id(), PlanTier.ENTERPRISE).orElseThrow().planTier())
        .isEqualTo(PlanTier.ENTERPRISE);
  }

  /** Assigning a plan to an unknown company changes nothing. */
  @Test
  public void assignPlan_unknownCompany_emptyAndNothingChanged() {
    assertThat(tenants.assignPlan(id(), PlanTier.FREE)).isEmpty();
    assertThat(tenants.companies()).containsExactly(company);
  }

  /** Pages follow the ids' canonical text, resume after the cursor and filter by tier. */
  @Test
  public void companiesPage_cursorAndTier_pagesInIdOrder() {
    List<Company> all = new ArrayList<>(List.of(company));
    for (int i = 0; i < 6; i++) {
      Company c = new Company(id(), "C" + i, DataRegion.EU,
          i % 2 == 0 ? PlanTier.FREE : PlanTier.GROWTH, null);
      tenants.createCompany(c);
      all.add(c);
    }
    all.sort(java.util.Comparator.comparing(c -> c.id().toString()));
    List<Company> first = tenants.companies(Optional.empty(), Optional.empty(), 4);
    assertThat(first).containsExactlyElementsOf(all.subList(0, 4));
    assertThat(tenants.companies(Optional.empty(), Optional.of(first.get(3).id()), 4))
        .containsExactlyElementsOf(all.subList(4, 7));
    assertThat(tenants.companies(Optional.of(PlanTier.GROWTH), Optional.empty(), 100))
        .containsExactlyElementsOf(all.stream()
            .filter(c -> c.planTier() == PlanTier.GROWTH).toList())
        .hasSize(4);
    assertThatThrownBy(() -> tenants.companies(Optional.empty(), Optional.empty(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Workspaces and projects round-trip. */
  @Test
  public void workspaceAndProject_roundTrip() {
    Project p = new Project(id(), workspace.id(), company.id(), "App");
    tenants.createProject(p);
    assertThat(tenants.workspace(workspace.id())).contains(workspace);
    assertThat(tenants.project(p.id())).contains(p);
    assertThat(tenants.workspace(id())).isEmpty();
    assertThat(tenants.project(id())).isEmpty();
  }

  /** Creating with a taken id is refused and nothing changes. */
  @Test
  public void create_takenId_refusedAndNothingChanged() {
    assertThatThrownBy(() -> tenants.createCompany(new Company(company.id(), "Again",
        DataRegion.US, PlanTier.FREE, null))).isInstanceOf(AlreadyStoredException.class)
        .hasMessageContaining(company.id().toString());
    assertThatThrownBy(() -> tenants.createWorkspace(new Workspace(workspace.id(),
        company.id(), "Again"))).isInstanceOf(AlreadyStoredException.class);
    Project p = new Project(id(), workspace.id(), company.id(), "App");
    tenants.createProject(p);
    assertThatThrownBy(() -> tenants.createProject(new Project(p.id(), workspace.id(),
        company.id(), "Again"))).isInstanceOf(AlreadyStoredException.class);
    assertThat(tenants.company(company.id())).contains(company);
    assertThat(tenants.workspace(workspace.id())).contains(workspace);
    assertThat(tenants.project(p.id())).contains(p);
  }

  /** A key is found by its HMAC only, with its allowlist and times. */
  @Test
  public void key_foundByHmacOnly_withAllowlistAndTimes() {
    ApiKey k = key("hlk_eu_ws_abcd", ApiKeyType.WORKSPACE,
        List.of(IpRange.parse("10.0.0.0/8"), IpRange.parse("::1/128")));
    tenants.createKey(k);
    assertThat(tenants.keyByHmac(k.hmac())).contains(k);
    assertThat(tenants.key(k.id())).contains(k);
    assertThat(tenants.keyByHmac(hmac("unknown"))).isEmpty();
    assertThat(tenants.key(id())).isEmpty();
  }

  /** A key's instants are kept to the microsecond. */
  @Test
  public void key_instantsFinerThanMicroseconds_keptToTheMicrosecond() {
    Instant created = NOW.plusNanos(1_234_567_400);
    ApiKey k = new ApiKey(id(), company.id(), null, ApiKeyType.COMPANY, "hlk_eu_co_nano",
        hmac("nano"), List.of(), created.plusSeconds(60), null, null, created);
    tenants.createKey(k);
    ApiKey stored = tenants.key(k.id()).orElseThrow();
    assertThat(stored.createdAt()).isEqualTo(NOW.plusNanos(1_234_567_000));
    assertThat(stored.expiresAt()).isEqualTo(NOW.plusNanos(61_234_567_000L));
  }

  /** A key with a taken id or HMAC is refused and nothing changes. */
  @Test
  public void createKey_takenIdOrHmac_refusedAndNothingChanged() {
    ApiKey k = key("hlk_eu_ws_one1", ApiKeyType.WORKSPACE, List.of());
    tenants.createKey(k);
    ApiKey sameHmac = new ApiKey(id(), company.id(), null, ApiKeyType.COMPANY, "hlk_eu_co_two2",
        k.hmac(), List.of(), null, null, null, NOW);
    ApiKey sameId = new ApiKey(k.id(), company.id(), null, ApiKeyType.COMPANY, "hlk_eu_co_thr3",
        hmac("other"), List.of(), null, null, null, NOW);
    assertThatThrownBy(() -> tenants.createKey(sameHmac))
        .isInstanceOf(AlreadyStoredException.class);
    assertThatThrownBy(() -> tenants.createKey(sameId))
        .isInstanceOf(AlreadyStoredException.class);
    assertThat(tenants.keys(company.id())).containsExactly(k);
    assertThat(tenants.keyByHmac(hmac("other"))).isEmpty();
  }

  /** Two keys sharing a display prefix are both stored. */
  @Test
  public void keys_sharingDisplayPrefix_bothStored() {
    ApiKey a = key("hlk_eu_ws_same", ApiKeyType.WORKSPACE, List.of());
    ApiKey b = key("hlk_eu_ws_same", ApiKeyType.WORKSPACE, List.of());
    tenants.createKey(a);
    tenants.createKey(b);
    assertThat(tenants.keys(company.id())).extracting(ApiKey::id)
        .containsExactlyInAnyOrder(a.id(), b.id());
  }

  /** A company's keys come oldest first, then by id. */
  @Test
  public void keys_ofOneCompany_oldestFirstThenById() {
    Company other = new Company(id(), "Other", DataRegion.EU, PlanTier.FREE, null);
    tenants.createCompany(other);
    List<ApiKey> mine = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      // Two keys per creation time: the later-created one first, so order is not insertion.
      ApiKey k = new ApiKey(id(), company.id(), null, ApiKeyType.COMPANY, "hlk_eu_co_k" + i,
          hmac("k" + i), List.of(), null, null, null, NOW.minusSeconds(i / 2));
      tenants.createKey(k);
      mine.add(k);
    }
    tenants.createKey(new ApiKey(id(), other.id(), null, ApiKeyType.COMPANY, "hlk_eu_co_oth",
        hmac("other company"), List.of(), null, null, null, NOW.minusSeconds(60)));
    mine.sort(java.util.Comparator.comparing(ApiKey::createdAt)
        .thenComparing(k -> k.id().toString()));
    assertThat(tenants.keys(company.id())).containsExactlyElementsOf(mine);
    assertThat(tenants.keys(id())).isEmpty();
  }

  /**
   * Of concurrent rotations of one key exactly one wins.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void rotate_concurrently_exactlyOneWins() throws Exception {
    ApiKey old = key("hlk_eu_ws_old1", ApiKeyType.WORKSPACE, List.of());
    tenants.createKey(old);
    List<Callable<Boolean>> racers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ApiKey replacement = new ApiKey(id(), company.id(), workspace.id(), ApiKeyType.WORKSPACE,
          "hlk_eu_ws_new" + i, hmac("r" + i), List.of(), null, null, old.id(),
          NOW.plusSeconds(1));
      racers.add(() -> tenants.rotate(old.id(), replacement));
    }
    List<Outcome<Boolean>> out = race(racers);
    assertThat(out).allMatch(Outcome::won);
    assertThat(out).filteredOn(o -> o.result()).hasSize(1);
    assertThat(tenants.key(old.id()).orElseThrow().revokedAt()).isEqualTo(NOW.plusSeconds(1));
    assertThat(tenants.keys(company.id())).hasSize(2);
  }

  /** Rotating a revoked or unknown key returns false and stores nothing. */
  @Test
  public void rotate_revokedOrUnknownKey_falseAndNothingStored() {
    ApiKey old = key("hlk_eu_ws_old2", ApiKeyType.WORKSPACE, List.of());
    tenants.createKey(old);
    ApiKey first = key("hlk_eu_ws_new1", ApiKeyType.WORKSPACE, List.of());
    ApiKey second = key("hlk_eu_ws_new2", ApiKeyType.WORKSPACE, List.of());
    assertThat(tenants.rotate(old.id(), first)).isTrue();
    assertThat(tenants.rotate(old.id(), second)).isFalse();
    assertThat(tenants.rotate(id(), second)).isFalse();
    assertThat(tenants.key(second.id())).isEmpty();
    assertThat(tenants.key(first.id())).contains(first);
  }

  /** A rotation whose replacement's HMAC is taken is refused and the old key stays active. */
  @Test
  public void rotate_replacementHmacTaken_refusedAndOldStaysActive() {
    ApiKey old = key("hlk_eu_ws_old3", ApiKeyType.WORKSPACE, List.of());
    ApiKey other = key("hlk_eu_ws_oth3", ApiKeyType.WORKSPACE, List.of());
    tenants.createKey(old);
    tenants.createKey(other);
    ApiKey clash = new ApiKey(id(), company.id(), workspace.id(), ApiKeyType.WORKSPACE,
        "hlk_eu_ws_cla3", other.hmac(), List.of(), null, null, old.id(), NOW.plusSeconds(5));
    assertThatThrownBy(() -> tenants.rotate(old.id(), clash))
        .isInstanceOf(AlreadyStoredException.class);
    assertThat(tenants.key(old.id()).orElseThrow().revokedAt()).isNull();
    assertThat(tenants.key(clash.id())).isEmpty();
  }

  /**
   * Of concurrent revocations of one key exactly one wins, and its time is kept.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void revoke_concurrently_exactlyOneWinsAndKeepsItsTime() throws Exception {
    ApiKey k = key("hlk_eu_ws_rev1", ApiKeyType.WORKSPACE, List.of());
    tenants.createKey(k);
    List<Callable<Boolean>> racers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      java.time.Instant at = NOW.plusSeconds(10 + i);
      racers.add(() -> tenants.revoke(k.id(), at));
    }
    List<Outcome<Boolean>> out = race(racers);
    assertThat(out).allMatch(Outcome::won);
    assertThat(out).filteredOn(o -> o.result()).hasSize(1);
    java.time.Instant kept = tenants.key(k.id()).orElseThrow().revokedAt();
    assertThat(kept).isBetween(NOW.plusSeconds(10), NOW.plusSeconds(17));
    assertThat(tenants.revoke(k.id(), NOW.plusSeconds(99))).isFalse();
    assertThat(tenants.key(k.id()).orElseThrow().revokedAt()).isEqualTo(kept);
    assertThat(tenants.key(k.id()).orElseThrow().revoked(null)).isEqualTo(k);
  }

  /** Revoking an unknown or rotated key returns false and changes nothing. */
  @Test
  public void revoke_unknownOrRotatedKey_falseAndNothingChanged() {
    ApiKey old = key("hlk_eu_ws_rev2", ApiKeyType.WORKSPACE, List.of());
    tenants.createKey(old);
    ApiKey replacement = new ApiKey(id(), company.id(), workspace.id(), ApiKeyType.WORKSPACE,
        "hlk_eu_ws_rev3", hmac("rev3"), List.of(), null, null, old.id(), NOW.plusSeconds(1));
    assertThat(tenants.rotate(old.id(), replacement)).isTrue();
    assertThat(tenants.revoke(old.id(), NOW.plusSeconds(2))).isFalse();
    assertThat(tenants.key(old.id()).orElseThrow().revokedAt()).isEqualTo(NOW.plusSeconds(1));
    assertThat(tenants.revoke(id(), NOW)).isFalse();
    assertThat(tenants.key(replacement.id()).orElseThrow().revokedAt()).isNull();
  }

  /** Revoking one key leaves the company's other keys as they were. */
  @Test
  public void revoke_oneKey_othersUntouched() {
    ApiKey a = key("hlk_eu_ws_rev4", ApiKeyType.WORKSPACE, List.of());
    ApiKey b = key("hlk_eu_co_rev5", ApiKeyType.COMPANY, List.of());
    tenants.createKey(a);
    tenants.createKey(b);
    assertThat(tenants.revoke(b.id(), NOW.plusSeconds(3))).isTrue();
    assertThat(tenants.key(b.id()).orElseThrow().revokedAt()).isEqualTo(NOW.plusSeconds(3));
    assertThat(tenants.key(a.id())).contains(a);
    assertThat(tenants.keyByHmac(b.hmac()).orElseThrow().revokedAt())
        .isEqualTo(NOW.plusSeconds(3));
  }

  /** A tenant whose key fails creates nothing. */
  @Test
  public void createTenant_failingKey_createsNothing() {
    ApiKey existing = key("hlk_eu_ws_exst", ApiKeyType.WORKSPACE, List.of());
    tenants.createKey(existing);
    Company other = new Company(id(), "Other", DataRegion.EU, PlanTier.FREE, null);
    Workspace w = new Workspace(id(), other.id(), "W");
    Project p = new Project(id(), w.id(), other.id(), "P");
    ApiKey duplicateHmac = new ApiKey(id(), other.id(), w.id(), ApiKeyType.WORKSPACE,
        "hlk_eu_ws_dupl", existing.hmac(), List.of(), null, null, null, NOW);
    assertThatThrownBy(() -> tenants.createTenant(other, w, p, List.of(duplicateHmac)))
        .isInstanceOf(AlreadyStoredException.class);
    assertThat(tenants.company(other.id())).isEmpty();
    assertThat(tenants.workspace(w.id())).isEmpty();
    assertThat(tenants.project(p.id())).isEmpty();
    assertThat(tenants.key(duplicateHmac.id())).isEmpty();

    ApiKey fresh = new ApiKey(id(), other.id(), w.id(), ApiKeyType.WORKSPACE, "hlk_eu_ws_frsh",
        hmac("fresh"), List.of(), null, null, null, NOW);
    tenants.createTenant(other, w, p, List.of(fresh));
    assertThat(tenants.keys(other.id())).containsExactly(fresh);
    assertThat(tenants.project(p.id())).contains(p);
    assertThat(tenants.companies()).containsExactly(company, other);
  }

  /** Touching any key changes nothing readable. */
  @Test
  public void touch_anyKey_changesNothingReadable() {
    ApiKey k = key("hlk_eu_ws_tch1", ApiKeyType.WORKSPACE, List.of());
    tenants.createKey(k);
    tenants.touch(k.id(), NOW.plusSeconds(5));
    tenants.touch(k.id(), NOW.plusSeconds(1));
    tenants.touch(id(), NOW);
    assertThat(tenants.key(k.id())).contains(k);
  }

  /** A live storage answers the ping. */
  @Test
  public void ping_liveStorage_true() {
    assertThat(tenants.ping()).isTrue();
  }
}
