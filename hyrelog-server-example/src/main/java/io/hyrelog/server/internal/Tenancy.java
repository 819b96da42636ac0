package io.hyrelog.server.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.Plan;
import io.hyrelog.PlanTier;
import io.hyrelog.Project;
import io.hyrelog.Workspace;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.TenantDirectory;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Tenancy data of every served region. Workspaces and projects never move between companies,
 * so they are cached; companies (plan assignments) are read through. The values of the plan
 * tiers (the {@code plans} table, changed only by an operator's SQL) are kept for {@link
 * #PLANS_CACHE} per region.
 */
public final class Tenancy {
  /** How long a region's plan values are reused before they are read again. */
  public static final java.time.Duration PLANS_CACHE = java.time.Duration.ofSeconds(1);
  private final Regions regions;
  private final Cache<DataRegion, Map<PlanTier, Plan>> plans = Caffeine.newBuilder()
      .expireAfterWrite(PLANS_CACHE).build();
  private final Cache<UUID, Workspace> workspaces = Caffeine.newBuilder().maximumSize(100_000)
      .build();
  private final Cache<UUID, Project> projects = Caffeine.newBuilder().maximumSize(100_000)
      .build();

  public Tenancy(Regions regions) {
    this.regions = regions;
  }

  public boolean serves(DataRegion r) {
    return regions.serves(r);
  }

  public TenantDirectory tenants(DataRegion r) {
    if (!regions.serves(r)) {
      throw new IllegalArgumentException("region " + r + " is not served");
    }
    return regions.get(r).tenants();
  }

  public Optional<Company> company(DataRegion r, UUID id) {
    return tenants(r).company(id);
  }

  /** The values of every tier in region {@code r}, in tier order. */
  public List<Plan> plans(DataRegion r) {
    return List.copyOf(planMap(r).values());
  }

  /** The plan in force for {@code c}: its tier's stored values with its overrides. */
  public Plan plan(Company c) {
    Plan tier = planMap(c.region()).get(c.planTier());
    if (tier == null) {
      throw new io.hyrelog.HyrelogException("the plans table of region " + c.region()
          + " has no row for " + c.planTier());
    }
    return c.plan(tier);
  }

  private Map<PlanTier, Plan> planMap(DataRegion r) {
    return plans.get(r, k -> {
      Map<PlanTier, Plan> m = new EnumMap<>(PlanTier.class);
      tenants(k).plans().forEach(p -> m.put(p.tier(), p));
      return java.util.Collections.unmodifiableMap(m);
    });
  }

  /**
   * The workspace with {@code id} if it belongs to {@code company}; empty otherwise. The
   * company's system workspace ({@link Workspace#systemId}) always exists: it is created here
   * the first time it is asked for.
   */
  public Optional<Workspace> workspaceOf(Company company, UUID id) {
    if (id.equals(Workspace.systemId(company.id()))) {
      return Optional.of(systemWorkspace(company));
    }
    Workspace w = workspaces.get(id, k -> tenants(company.region()).workspace(k).orElse(null));
    return w != null && w.companyId().equals(company.id()) ? Optional.of(w) : Optional.empty();
  }

  /**
   * The company's system workspace, created (idempotently, in any number of processes) when it
   * does not exist yet.
   */
  public Workspace systemWorkspace(Company company) {
    return workspaces.get(Workspace.systemId(company.id()), id -> {
      Workspace w = Workspace.system(company.id());
      TenantDirectory tenants = tenants(company.region());
      if (tenants.workspace(id).isEmpty()) {
        try {
          tenants.createWorkspace(w);
        } catch (AlreadyStoredException e) {
          // another request or process created it first
        }
      }
      return w;
    });
  }

  /** The project with {@code id} if it belongs to {@code company}; empty otherwise. */
  public Optional<Project> projectOf(Company company, UUID id) {
    Project p = projects.get(id, k -> tenants(company.region()).project(k).orElse(null));
    return p != null && p.companyId().equals(company.id()) ? Optional.of(p) : Optional.empty();
  }
}
