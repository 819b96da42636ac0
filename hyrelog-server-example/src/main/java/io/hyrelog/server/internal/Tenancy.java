package io.hyrelog.server.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.Project;
import io.hyrelog.Workspace;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.TenantDirectory;
import java.util.Optional;
import java.util.UUID;

/**
 * Tenancy data of every served region. Workspaces and projects never move between companies,
 * so they are cached; companies (plan changes) are read through.
 */
public final class Tenancy {
  private final Regions regions;
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
