package io.hyrelog.server.internal.dashboard;

import io.hyrelog.server.internal.EventRoutes;
import io.hyrelog.server.internal.Reader;
import io.hyrelog.server.internal.Requests;
import io.hyrelog.server.internal.Tenancy;
import io.hyrelog.server.internal.dashboard.DashboardActions.Access;
import io.hyrelog.server.internal.dashboard.DashboardActions.Reply;
import io.javalin.http.Context;
import java.util.Map;

/**
 * {@code GET /dashboard/events}: the events of the company of {@code x-company-id}, with the
 * filters, paging and answer of {@code GET /v1/events} for a company key. Every read is in the
 * admin audit log (with the filters' names, not their values: an actor's email is personal).
 */
public final class DashboardEventRoutes {
  private final EventRoutes events;
  private final DashboardActions actions;
  private final Tenancy tenancy;

  public DashboardEventRoutes(EventRoutes events, DashboardActions actions, Tenancy tenancy) {
    this.events = events;
    this.actions = actions;
    this.tenancy = tenancy;
  }

  /** {@code GET /dashboard/events?category=&action=&workspaceId=&…&limit=&cursor=}. */
  public void query(Context ctx) {
    actions.run(ctx, "event.query", Access.COMPANY, (actor, company, audit) -> {
      Map<String, String> q = Requests.query(ctx, EventRoutes.queryParams());
      q.keySet().stream().sorted().forEach(k -> audit.details().withArray("filters").add(k));
      return new Reply(200, events.page(Reader.company(company, tenancy), q));
    });
  }
}
