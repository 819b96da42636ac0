package io.hyrelog;

import java.util.Objects;
import java.util.UUID;

/**
 * A workspace of a company. Each workspace has exactly one event chain.
 *
 * @param id the workspace's id, which is also its chain's id
 * @param companyId the company it belongs to
 * @param name the workspace's display name
 */
public record Workspace(UUID id, UUID companyId, String name) {
  /**
   * Validates the workspace.
   *
   * @param id the workspace's id, which is also its chain's id
   * @param companyId the company it belongs to
   * @param name the workspace's display name
   */
  public Workspace {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(companyId, "companyId");
    name = Names.requireName("workspace name", name);
  }
}
