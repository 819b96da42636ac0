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
 * @param category matches {@code category} exactly
 * @param action matches {@code action} exactly
 * @param projectId only this project
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

  /**
   * Validates the query.
   *
   * @param scope whose events; enforced by the store
   * @param from inclusive lower bound on {@code timestamp}
   * @param to exclusive upper bound on {@code timestamp}
   * @param category matches {@code category} exactly
   * @param action matches {@code action} exactly
   * @param projectId only this project
   * @param workspaceId only this workspace (within a company scope)
   * @param actorId matches {@code actor.id} exactly
   * @param actorEmail matches {@code actor.email} exactly (erased emails never match); stores
   *     may look it up only among emails kept as personal data ({@code /actor/email} in the
   *     {@link io.hyrelog.PersonalDataPolicy}, the default), through an index — the PostgreSQL
   *     store does — so emails a policy hashed in the clear need not match
   * @param limit page size, 1 to {@link #MAX_LIMIT}
   * @param cursor the previous page's {@link EventPage#nextCursor()}, or {@code null}
   * @throws IllegalArgumentException when {@code limit} is outside 1..{@value #MAX_LIMIT} or
   *     {@code from} is not before {@code to}
   */
  public EventQuery {
    Objects.requireNonNull(scope, "scope");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be in 1.." + MAX_LIMIT + ", got " + limit);
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("from must be before to, got " + from + " >= " + to);
    }
  }

  /**
   * A query of everything in {@code scope}, 100 per page.
   *
   * @param scope the scope searched
   * @return a new builder
   */
  public static Builder builder(EventScope scope) {
    return new Builder(scope);
  }

  /**
   * Whether {@code e} passes the scope and every filter (the cursor is not considered).
   *
   * @param e an event
   * @return true when the event matches
   */
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

  /**
   * This query positioned after {@code c}.
   *
   * @param c the cursor
   * @return a copy of this query with that cursor
   */
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

    /**
     * Only events at or after this time (inclusive); null for no lower bound.
     *
     * @param t the lower bound, or null
     * @return this builder
     */
    public Builder from(Instant t) {
      this.from = t;
      return this;
    }

    /**
     * Only events before this time (exclusive); null for no upper bound.
     *
     * @param t the upper bound, or null
     * @return this builder
     */
    public Builder to(Instant t) {
      this.to = t;
      return this;
    }

    /**
     * Only events of this category; null for any.
     *
     * @param c the category, or null
     * @return this builder
     */
    public Builder category(String c) {
      this.category = c;
      return this;
    }

    /**
     * Only events with this action; null for any.
     *
     * @param a the action, or null
     * @return this builder
     */
    public Builder action(String a) {
      this.action = a;
      return this;
    }

    /**
     * Only events of this project; null for any.
     *
     * @param p the project id, or null
     * @return this builder
     */
    public Builder projectId(UUID p) {
      this.projectId = p;
      return this;
    }

    /**
     * Only events of this workspace; null for any.
     *
     * @param w the workspace id, or null
     * @return this builder
     */
    public Builder workspaceId(UUID w) {
      this.workspaceId = w;
      return this;
    }

    /**
     * Only events of this actor id; null for any.
     *
     * @param a the actor id, or null
     * @return this builder
     */
    public Builder actorId(String a) {
      this.actorId = a;
      return this;
    }

    /**
     * Only events of this actor email; null for any.
     *
     * @param a the actor email, or null
     * @return this builder
     */
    public Builder actorEmail(String a) {
      this.actorEmail = a;
      return this;
    }

    /**
     * The page size, 1..{@value EventQuery#MAX_LIMIT} (checked by {@link #build}); default 100.
     *
     * @param n the page size
     * @return this builder
     */
    public Builder limit(int n) {
      this.limit = n;
      return this;
    }

    /**
     * Start after this position; null for the first page.
     *
     * @param c the cursor, or null
     * @return this builder
     */
    public Builder cursor(EventCursor c) {
      this.cursor = c;
      return this;
    }

    /**
     * Builds the query.
     *
     * @return the query
     * @throws IllegalArgumentException when the limit or the time range is invalid
     */
    public EventQuery build() {
      return new EventQuery(scope, from, to, category, action, projectId, workspaceId, actorId,
          actorEmail, limit, cursor);
    }
  }
}
