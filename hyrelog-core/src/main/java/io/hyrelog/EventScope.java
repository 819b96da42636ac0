package io.hyrelog;

import java.util.Objects;
import java.util.UUID;

/**
 * Whose events an operation may see: a whole company (company keys) or one workspace of it
 * (workspace keys). Stores enforce the scope on every read, so a caller holding one tenant's
 * scope can never reach another tenant's rows, whatever ids it passes.
 *
 * @param workspaceId {@code null} for a company-wide scope
 */
public record EventScope(UUID companyId, UUID workspaceId) {
  public EventScope {
    Objects.requireNonNull(companyId, "companyId");
  }

  /** Every workspace of a company. */
  public static EventScope company(UUID companyId) {
    return new EventScope(companyId, null);
  }

  /** One workspace of a company. */
  public static EventScope workspace(UUID companyId, UUID workspaceId) {
    return new EventScope(companyId, Objects.requireNonNull(workspaceId, "workspaceId"));
  }

  /** The scope of one chain. */
  public static EventScope of(WorkspaceRef ref) {
    return workspace(ref.companyId(), ref.workspaceId());
  }

  /** Whether this scope is a single workspace. */
  public boolean isWorkspace() {
    return workspaceId != null;
  }

  /** Whether an event of {@code companyId}/{@code workspaceId} is inside this scope. */
  public boolean contains(UUID eventCompanyId, UUID eventWorkspaceId) {
    return companyId.equals(eventCompanyId)
        && (workspaceId == null || workspaceId.equals(eventWorkspaceId));
  }

  /**
   * This scope, which must name one workspace (chain operations need one).
   *
   * @throws IllegalArgumentException when it is company-wide
   */
  public EventScope requireWorkspace() {
    if (workspaceId == null) {
      throw new IllegalArgumentException("a chain operation needs a workspace scope");
    }
    return this;
  }
}
