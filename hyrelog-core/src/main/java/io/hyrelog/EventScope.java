package io.hyrelog;

import java.util.Objects;
import java.util.UUID;

/**
 * Whose events an operation may see: a whole company (company keys) or one workspace of it
 * (workspace keys). Stores enforce the scope on every read, so a caller holding one tenant's
 * scope can never reach another tenant's rows, whatever ids it passes.
 *
 * @param companyId the company; never {@code null}
 * @param workspaceId {@code null} for a company-wide scope
 */
public record EventScope(UUID companyId, UUID workspaceId) {
  /**
   * Validates the scope; a null workspace id means company-wide.
   *
   * @param companyId the company; never {@code null}
   * @param workspaceId {@code null} for a company-wide scope
   */
  public EventScope {
    Objects.requireNonNull(companyId, "companyId");
  }

  /**
   * Every workspace of a company.
   *
   * @param companyId the company
   * @return the scope
   */
  public static EventScope company(UUID companyId) {
    return new EventScope(companyId, null);
  }

  /**
   * One workspace of a company.
   *
   * @param companyId the company
   * @param workspaceId the workspace
   * @return the scope
   */
  public static EventScope workspace(UUID companyId, UUID workspaceId) {
    return new EventScope(companyId, Objects.requireNonNull(workspaceId, "workspaceId"));
  }

  /**
   * The scope of one chain.
   *
   * @param ref the workspace
   * @return the scope
   */
  public static EventScope of(WorkspaceRef ref) {
    return workspace(ref.companyId(), ref.workspaceId());
  }

  /**
   * Whether this scope is a single workspace.
   *
   * @return true for a workspace scope, false for a company-wide one
   */
  public boolean isWorkspace() {
    return workspaceId != null;
  }

  /**
   * Whether an event of {@code companyId}/{@code workspaceId} is inside this scope.
   *
   * @param eventCompanyId the event's company
   * @param eventWorkspaceId the event's workspace
   * @return true when the event is inside the scope
   */
  public boolean contains(UUID eventCompanyId, UUID eventWorkspaceId) {
    return companyId.equals(eventCompanyId)
        && (workspaceId == null || workspaceId.equals(eventWorkspaceId));
  }

  /**
   * This scope, which must name one workspace (chain operations need one).
   *
   * @return this scope
   * @throws IllegalArgumentException when it is company-wide
   */
  public EventScope requireWorkspace() {
    if (workspaceId == null) {
      throw new IllegalArgumentException("a chain operation needs a workspace scope");
    }
    return this;
  }
}
