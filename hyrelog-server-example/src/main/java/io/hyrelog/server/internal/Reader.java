package io.hyrelog.server.internal;

import io.hyrelog.Company;
import io.hyrelog.EventScope;
import io.hyrelog.Plan;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What a caller may read: a whole company (a company key, or a dashboard user acting for the
 * company), or one workspace of it (a workspace key).
 *
 * @param company the company
 * @param workspace the one workspace the caller may read, or empty for the whole company
 * @param plan the company's plan in force, read for this request
 */
public record Reader(Company company, Optional<UUID> workspace, Plan plan) {
  public Reader {
    Objects.requireNonNull(company, "company");
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(plan, "plan");
  }

  /** A caller reading the whole company, whose plan {@code tenancy} reads now. */
  public static Reader company(Company company, Tenancy tenancy) {
    return new Reader(company, Optional.empty(), tenancy.plan(company));
  }

  /** What the key of {@code p} may read. */
  public static Reader of(Principal p) {
    return new Reader(p.company(), p.isWorkspaceKey() ? Optional.of(p.key().workspaceId())
        : Optional.empty(), p.plan());
  }

  public UUID companyId() {
    return company.id();
  }

  /** The events the caller may read. */
  public EventScope scope() {
    return workspace.map(w -> EventScope.workspace(company.id(), w))
        .orElseGet(() -> EventScope.company(company.id()));
  }

  /** Whether the caller may read workspace {@code workspaceId} (assuming it is the company's). */
  public boolean reads(UUID workspaceId) {
    return workspace.isEmpty() || workspace.get().equals(workspaceId);
  }
}
