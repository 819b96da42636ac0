package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.ApiKey;
import io.hyrelog.ApiKeyType;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.IpRange;
import io.hyrelog.PlanOverrides;
import io.hyrelog.PlanTier;
import io.hyrelog.Project;
import io.hyrelog.Workspace;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresTenantsIT {
  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private PostgresFixture.Database db;
  private PostgresTenants tenants;
  private Company company;
  private Workspace workspace;

  @BeforeEach
  void setUp() {
    db = PostgresFixture.newDatabase();
    tenants = PostgresTenants.create(db.app());
    company = new Company(UUID.randomUUID(), "Acme", DataRegion.EU, PlanTier.GROWTH,
        new PlanOverrides(120, OptionalInt.empty(), OptionalInt.of(30), OptionalLong.empty(),
            null, 5, null, Boolean.FALSE));
    tenants.createCompany(company);
    workspace = new Workspace(UUID.randomUUID(), company.id(), "Prod");
    tenants.createWorkspace(workspace);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private ApiKey key(String prefix, ApiKeyType type, List<IpRange> allow) {
    return new ApiKey(UUID.randomUUID(), company.id(),
        type == ApiKeyType.WORKSPACE ? workspace.id() : null, type, prefix,
        Digest.sha256(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8)), allow,
        NOW.plus(30, ChronoUnit.DAYS), null, null, NOW);
  }

  @Test
  void company_roundTrip_keepsRegionTierAndEveryOverride() {
    assertThat(tenants.company(company.id())).contains(company);
    assertThat(tenants.company(company.id()).orElseThrow().plan())
        .isEqualTo(company.plan());
    assertThat(tenants.companies()).containsExactly(company);
    assertThat(tenants.company(UUID.randomUUID())).isEmpty();
  }

  @Test
  void workspaceAndProject_roundTrip() {
    Project p = new Project(UUID.randomUUID(), workspace.id(), company.id(), "App");
    tenants.createProject(p);
    assertThat(tenants.workspace(workspace.id())).contains(workspace);
    assertThat(tenants.project(p.id())).contains(p);
  }

  @Test
  void key_foundByHmacOnly_withAllowlistAndTimes() {
    ApiKey k = key("hlk_eu_ws_abcd", ApiKeyType.WORKSPACE,
        List.of(IpRange.parse("10.0.0.0/8"), IpRange.parse("::1/128")));
    tenants.createKey(k);
    assertThat(tenants.keyByHmac(k.hmac())).contains(k);
    assertThat(tenants.key(k.id())).contains(k);
    assertThat(tenants.keyByHmac(Digest.sha256(new byte[] {1}))).isEmpty();
  }

  @Test
  void keys_sharingDisplayPrefix_bothStored() {
    ApiKey a = key("hlk_eu_ws_same", ApiKeyType.WORKSPACE, List.of());
    ApiKey b = key("hlk_eu_ws_same", ApiKeyType.WORKSPACE, List.of());
    tenants.createKey(a);
    tenants.createKey(b);
    assertThat(tenants.keys(company.id())).extracting(ApiKey::id)
        .containsExactlyInAnyOrder(a.id(), b.id());
  }

  @Test
  void rotate_concurrently_exactlyOneWins() throws Exception {
    ApiKey old = key("hlk_eu_ws_old1", ApiKeyType.WORKSPACE, List.of());
    tenants.createKey(old);
    int n = 8;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Boolean>> results = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        ApiKey replacement = new ApiKey(UUID.randomUUID(), company.id(), workspace.id(),
            ApiKeyType.WORKSPACE, "hlk_eu_ws_new" + i,
            Digest.sha256(("r" + i).getBytes(StandardCharsets.UTF_8)), List.of(), null, null,
            old.id(), NOW.plusSeconds(1));
        results.add(pool.submit(() -> {
          go.await();
          return tenants.rotate(old.id(), replacement);
        }));
      }
      go.countDown();
      int won = 0;
      for (Future<Boolean> f : results) {
        won += f.get() ? 1 : 0;
      }
      assertThat(won).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(tenants.key(old.id()).orElseThrow().revokedAt()).isEqualTo(NOW.plusSeconds(1));
    assertThat(tenants.keys(company.id())).hasSize(2);
  }

  @Test
  void createTenant_failingKey_createsNothing() {
    ApiKey existing = key("hlk_eu_ws_exst", ApiKeyType.WORKSPACE, List.of());
    tenants.createKey(existing);
    Company other = new Company(UUID.randomUUID(), "Other", DataRegion.EU, PlanTier.FREE, null);
    Workspace w = new Workspace(UUID.randomUUID(), other.id(), "W");
    Project p = new Project(UUID.randomUUID(), w.id(), other.id(), "P");
    ApiKey duplicateHmac = new ApiKey(UUID.randomUUID(), other.id(), w.id(),
        ApiKeyType.WORKSPACE, "hlk_eu_ws_dupl", existing.hmac(), List.of(), null, null, null,
        NOW);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> tenants.createTenant(other, w, p,
        List.of(duplicateHmac))).isInstanceOf(io.hyrelog.HyrelogException.class);
    assertThat(tenants.company(other.id())).isEmpty();
    assertThat(tenants.workspace(w.id())).isEmpty();
    assertThat(tenants.project(p.id())).isEmpty();

    ApiKey fresh = new ApiKey(UUID.randomUUID(), other.id(), w.id(), ApiKeyType.WORKSPACE,
        "hlk_eu_ws_frsh", Digest.sha256(new byte[] {7}), List.of(), null, null, null, NOW);
    tenants.createTenant(other, w, p, List.of(fresh));
    assertThat(tenants.keys(other.id())).containsExactly(fresh);
    assertThat(tenants.project(p.id())).contains(p);
  }

  @Test
  void ping_liveDatabase_true() {
    assertThat(tenants.ping()).isTrue();
  }
}
