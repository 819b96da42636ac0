package io.hyrelog.spi;

import io.hyrelog.AuditEvent;
import io.hyrelog.EventScope;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A page request over the events of a scope, newest first ({@code timestamp} descending, then
 * {@code id} descending). Every filter is optional and they combine with AND.
 *
 * @param scope whose events; enforced by the store
 * @param from inclusive lower bound on {@code timestamp}
 * @param to exclusive upper bound on {@code timestamp}
 * @param workspaceId only this workspace (within a company scope)
 * @param actorId matches {@code actor.id} exactly
 * @param actorEmail matches {@code actor.email} exactly (erased emails never match); stores
 *     may look it up only among emails kept as personal data ({@code /actor/email} in the
 *     {@link io.hyrelog.PersonalDataPolicy}, the default), through an index — the PostgreSQL
 *     store does — so emails a policy hashed in the clear need not match
 * @param limit page size, 1 to {@link #MAX_LIMIT}
 * @param cursor the previous page's {@link EventPage#nextCursor()}, or {@code null}
 */
public record EventQuery(
    EventScope scope,
    Instant from,
    Instant to,
    String category,
    String action,
    UUID projectId,
    UUID workspaceId,
    String actorId,
    String actorEmail,
    int limit,
    EventCursor cursor) {

  /** Largest page a store must serve. */
  public static final int MAX_LIMIT = 1000;

  public EventQuery {
    Objects.requireNonNull(scope, "scope");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be in 1.." + MAX_LIMIT + ", got " + limit);
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("from must be before to, got " + from + " >= " + to);
    }
  }

  /** A query of everything in {@code scope}, 100 per page. */
  public static Builder builder(EventScope scope) {
    return new Builder(scope);
  }

  /** Whether {@code e} passes the scope and every filter (the cursor is not considered). */
  public boolean matches(AuditEvent e) {
    return scope.contains(e.companyId(), e.workspaceId())
        && (from == null || !e.timestamp().isBefore(from))
        && (to == null || e.timestamp().isBefore(to))
        && (category == null || category.equals(e.category()))
        && (action == null || action.equals(e.action()))
        && (projectId == null || projectId.equals(e.projectId()))
        && (workspaceId == null || workspaceId.equals(e.workspaceId()))
        && (actorId == null || (e.actor() != null && actorId.equals(e.actor().id())))
        && (actorEmail == null || (e.actor() != null && actorEmail.equals(e.actor().email())));
  }

  /** This query positioned after {@code c}. */
  public EventQuery withCursor(EventCursor c) {
    return new EventQuery(scope, from, to, category, action, projectId, workspaceId, actorId,
        actorEmail, limit, c);
  }

  /** Builder of {@link EventQuery}; not thread-safe. */
  public static final class Builder {
    private final EventScope scope;
    private Instant from;
    private Instant to;
    private String category;
    private String action;
    private UUID projectId;
    private UUID workspaceId;
    private String actorId;
    private String actorEmail;
    private int limit = 100;
    private EventCursor cursor;

    private Builder(EventScope scope) {
      this.scope = Objects.requireNonNull(scope, "scope");
    }

    public Builder from(Instant t) {
      this.from = t;
      return this;
    }

    public Builder to(Instant t) {
      this.to = t;
      return this;
    }

    public Builder category(String c) {
      this.category = c;
      return this;
    }

    public Builder action(String a) {
      this.action = a;
      return this;
    }

    public Builder projectId(UUID p) {
      this.projectId = p;
      return this;
    }

    public Builder workspaceId(UUID w) {
      this.workspaceId = w;
      return this;
    }

    public Builder actorId(String a) {
      this.actorId = a;
      return this;
    }

    public Builder actorEmail(String a) {
      this.actorEmail = a;
      return this;
    }

    public Builder limit(int n) {
      this.limit = n;
      return this;
    }

    public Builder cursor(EventCursor c) {
      this.cursor = c;
      return this;
    }

    public EventQuery build() {
      return new EventQuery(scope, from, to, category, action, projectId, workspaceId, actorId,
          actorEmail, limit, cursor);
    }
  }
}
