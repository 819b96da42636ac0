package io.hyrelog.server.internal;

import io.hyrelog.ApiKey;
import io.hyrelog.ApiKeyType;
import io.hyrelog.Company;
import io.hyrelog.EventScope;
import io.hyrelog.Plan;
import io.hyrelog.WorkspaceRef;
import java.util.UUID;

/**
 * The authenticated caller: its key, the key's company and the plan in force for it, both read
 * for this request (a plan assigned by any process applies to the next request).
 */
public record Principal(ApiKey key, Company company, Plan plan) {

  public boolean isWorkspaceKey() {
    return key.type() == ApiKeyType.WORKSPACE;
  }

  /** What the key may read: its workspace, or its whole company. */
  public EventScope scope() {
    return isWorkspaceKey() ? EventScope.workspace(company.id(), key.workspaceId())
        : EventScope.company(company.id());
  }

  /** The workspace a workspace key writes to. */
  public WorkspaceRef workspaceRef() {
    return new WorkspaceRef(company.id(), key.workspaceId(), company.region());
  }

  public UUID companyId() {
    return company.id();
  }
}
