package io.hyrelog;

import java.util.Objects;
import java.util.UUID;

/** An optional grouping of events inside a workspace. */
public record Project(UUID id, UUID workspaceId, UUID companyId, String name) {
  public Project {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(companyId, "companyId");
    name = Names.requireName("project name", name);
  }
}
