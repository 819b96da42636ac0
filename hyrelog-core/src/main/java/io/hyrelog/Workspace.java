package io.hyrelog;

import java.util.Objects;
import java.util.UUID;

/** A workspace of a company. Each workspace has exactly one event chain. */
public record Workspace(UUID id, UUID companyId, String name) {
  public Workspace {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(companyId, "companyId");
    name = Names.requireName("workspace name", name);
  }
}
