package io.hyrelog;

import java.util.Objects;
import java.util.UUID;

/**
 * The tenancy coordinates of a chain: its workspace, that workspace's company, and the
 * company's data region. The caller (a server resolving an API key, or an embedding
 * application) supplies it; events never name their own tenant.
 *
 * @param companyId the company
 * @param workspaceId the workspace, which is also the chain
 * @param region the company's data region
 */
public record WorkspaceRef(UUID companyId, UUID workspaceId, DataRegion region) {
  /**
   * Validates the coordinates.
   *
   * @param companyId the company
   * @param workspaceId the workspace, which is also the chain
   * @param region the company's data region
   */
  public WorkspaceRef {
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(region, "region");
  }

  /**
   * The coordinates of a workspace of {@code company}.
   *
   * @param company the company
   * @param workspace one of its workspaces
   * @return the coordinates
   */
  public static WorkspaceRef of(Company company, Workspace workspace) {
    if (!workspace.companyId().equals(company.id())) {
      throw new IllegalArgumentException("workspace " + workspace.id()
          + " belongs to company " + workspace.companyId() + ", not " + company.id());
    }
    return new WorkspaceRef(company.id(), workspace.id(), company.region());
  }
}
