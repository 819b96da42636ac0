package io.hyrelog.testkit;

import io.hyrelog.ApiKey;
import io.hyrelog.Company;
import io.hyrelog.Digest;
import io.hyrelog.Plan;
import io.hyrelog.PlanTier;
import io.hyrelog.Project;
import io.hyrelog.Workspace;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.TenantDirectory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A {@link TenantDirectory} in memory, for tests and for trying the SDK: it passes {@code
 * TenantDirectoryContract} like the PostgreSQL adapter (unique ids and HMACs, atomic tenant
 * creation, exactly one winner of racing rotations, microsecond instants), but checks no
 * references between companies, workspaces, projects and keys, and nothing survives the JVM.
 * Thread-safe (one lock).
 */
public final class InMemoryTenantDirectory implements TenantDirectory {
  private final Map<UUID, Company> companies = new LinkedHashMap<>();
  private final Map<UUID, Workspace> workspaces = new HashMap<>();
  private final Map<UUID, Project> projects = new HashMap<>();
  private final Map<UUID, ApiKey> keys = new HashMap<>();
  private final Map<Digest, UUID> keysByHmac = new HashMap<>();
  private final Map<UUID, Instant> lastUsed = new HashMap<>();
  private final Map<PlanTier, Plan> plans = new EnumMap<>(PlanTier.class);

  /** An empty directory holding {@link Plan#defaults} for every tier. */
  public InMemoryTenantDirectory() {
    for (PlanTier t : PlanTier.values()) {
      plans.put(t, Plan.defaults(t));
    }
  }

  @Override
  public synchronized void createCompany(Company c) {
    requireNew("company", c.id(), companies);
    companies.put(c.id(), c);
  }

  @Override
  public synchronized void createWorkspace(Workspace w) {
    requireNew("workspace", w.id(), workspaces);
    workspaces.put(w.id(), w);
  }

  @Override
  public synchronized void createProject(Project p) {
    requireNew("project", p.id(), projects);
    projects.put(p.id(), p);
  }

  @Override
  public synchronized void createTenant(Company c, Workspace w, Project p, List<ApiKey> keys) {
    // Every check first, so a refused tenant leaves nothing behind.
    requireNew("company", c.id(), companies);
    requireNew("workspace", w.id(), workspaces);
    requireNew("project", p.id(), projects);
    Set<UUID> ids = new HashSet<>();
    Set<Digest> hmacs = new HashSet<>();
    for (ApiKey k : keys) {
      requireNewKey(k);
      if (!ids.add(k.id()) || !hmacs.add(k.hmac())) {
        throw new AlreadyStoredException("API key " + k.id() + " (or its HMAC) is already"
            + " stored");
      }
    }
    companies.put(c.id(), c);
    workspaces.put(w.id(), w);
    projects.put(p.id(), p);
    keys.forEach(this::store);
  }

  @Override
  public synchronized Optional<Company> company(UUID id) {
    return Optional.ofNullable(companies.get(id));
  }

  @Override
  public synchronized List<Company> companies() {
    return List.copyOf(companies.values());
  }

  @Override
  public synchronized List<Company> companies(Optional<PlanTier> tier, Optional<UUID> after,
      int limit) {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be 1..1000, got " + limit);
    }
    return companies.values().stream()
        .filter(c -> tier.isEmpty() || c.planTier() == tier.get())
        .filter(c -> after.isEmpty() || StoredValues.ID_ORDER.compare(c.id(), after.get()) > 0)
        .sorted(Comparator.comparing(Company::id, StoredValues.ID_ORDER))
        .limit(limit).toList();
  }

  /** {@inheritDoc} Here: {@link Plan#defaults}, or what {@link #replacePlan} stored. */
  @Override
  public synchronized List<Plan> plans() {
    return List.copyOf(plans.values());
  }

  /**
   * Replaces a tier's values, as an operator would edit the {@code plans} table.
   *
   * @param plan the tier's new values
   */
  public synchronized void replacePlan(Plan plan) {
    plans.put(plan.tier(), plan);
  }

  @Override
  public synchronized Optional<Company> assignPlan(UUID companyId, PlanTier tier) {
    Objects.requireNonNull(tier, "tier");
    Company c = companies.get(companyId);
    if (c == null) {
      return Optional.empty();
    }
    Company changed = c.withPlanTier(tier);
    companies.put(companyId, changed);
    return Optional.of(changed);
  }

  @Override
  public synchronized Optional<Workspace> workspace(UUID id) {
    return Optional.ofNullable(workspaces.get(id));
  }

  @Override
  public synchronized Optional<Project> project(UUID id) {
    return Optional.ofNullable(projects.get(id));
  }

  @Override
  public synchronized void createKey(ApiKey k) {
    requireNewKey(k);
    store(k);
  }

  @Override
  public synchronized Optional<ApiKey> keyByHmac(Digest hmac) {
    return Optional.ofNullable(keysByHmac.get(hmac)).map(keys::get);
  }

  @Override
  public synchronized Optional<ApiKey> key(UUID id) {
    return Optional.ofNullable(keys.get(id));
  }

  @Override
  public synchronized List<ApiKey> keys(UUID companyId) {
    List<ApiKey> out = new ArrayList<>();
    for (ApiKey k : keys.values()) {
      if (k.companyId().equals(companyId)) {
        out.add(k);
      }
    }
    out.sort(Comparator.comparing(ApiKey::createdAt)
        .thenComparing(ApiKey::id, StoredValues.ID_ORDER));
    return out;
  }

  @Override
  public synchronized boolean rotate(UUID old, ApiKey replacement) {
    ApiKey stored = keys.get(old);
    if (stored == null || stored.revokedAt() != null) {
      return false;
    }
    requireNewKey(replacement);
    keys.put(old, stored.revoked(StoredValues.instant(replacement.createdAt())));
    store(replacement);
    return true;
  }

  @Override
  public synchronized boolean revoke(UUID keyId, Instant when) {
    ApiKey stored = keys.get(keyId);
    if (stored == null || stored.revokedAt() != null) {
      return false;
    }
    keys.put(keyId, stored.revoked(StoredValues.instant(when)));
    return true;
  }

  @Override
  public synchronized void touch(UUID keyId, Instant when) {
    if (keys.containsKey(keyId)) {
      lastUsed.merge(keyId, StoredValues.instant(when), (a, b) -> a.isAfter(b) ? a : b);
    }
  }

  @Override
  public boolean ping() {
    return true;
  }

  private void requireNewKey(ApiKey k) {
    if (keys.containsKey(k.id()) || keysByHmac.containsKey(k.hmac())) {
      throw new AlreadyStoredException("API key " + k.id() + " (or its HMAC) is already"
          + " stored");
    }
  }

  private void store(ApiKey k) {
    ApiKey stored = new ApiKey(k.id(), k.companyId(), k.workspaceId(), k.type(), k.prefix(),
        k.hmac(), k.ipAllowlist(), StoredValues.instant(k.expiresAt()),
        StoredValues.instant(k.revokedAt()), k.rotatedFrom(),
        StoredValues.instant(k.createdAt()));
    keys.put(stored.id(), stored);
    keysByHmac.put(stored.hmac(), stored.id());
  }

  private static void requireNew(String what, UUID id, Map<UUID, ?> stored) {
    if (stored.containsKey(id)) {
      throw new AlreadyStoredException(what + " " + id + " is already stored");
    }
  }
}
