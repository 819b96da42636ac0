package io.hyrelog;

import java.util.Objects;
import java.util.UUID;

/**
 * An optional grouping of events inside a workspace.
 *
 * @param id the project's id
 * @param workspaceId the workspace it belongs to
 * @param companyId the workspace's company
 * @param name the project's display name
 */
public record Project(UUID id, UUID workspaceId, UUID companyId, String name) {
  /**
   * Validates the project.
   *
   * @param id the project's id
   * @param workspaceId the workspace it belongs to
   * @param companyId the workspace's company
   * @param name the project's display name
   */
  public Project {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(companyId, "companyId");
    name = Names.requireName("project name", name);
  }
}
