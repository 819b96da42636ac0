package io.hyrelog.server.internal.gdpr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.personal.Requester;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.JsonBody;
import io.hyrelog.server.internal.Requests;
import io.hyrelog.server.internal.dashboard.Dashboard;
import io.hyrelog.server.internal.dashboard.DashboardActions;
import io.hyrelog.server.internal.dashboard.DashboardActions.Access;
import io.hyrelog.server.internal.dashboard.DashboardActions.Actor;
import io.hyrelog.server.internal.dashboard.DashboardActions.Reply;
import io.javalin.http.Context;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The dashboard's personal-data requests, for the company of {@code x-company-id}: file, list,
 * read, cancel while pending; approve and reject an erasure ({@code /dashboard/admin/...}) as
 * HyreLog staff ({@code x-user-role: HYRELOG_ADMIN}) or a company approver ({@code x-user-role:
 * GDPR_APPROVER}), never as its requester. Every action is in the admin audit log (ids, type
 * and subject kind only; never the subject's value or the reason).
 */
public final class DashboardGdprRoutes {
  /** The company role that may approve and reject erasures of its company. */
  public static final String APPROVER_ROLE = "GDPR_APPROVER";

  private final GdprManagement management;
  private final DashboardActions actions;

  public DashboardGdprRoutes(GdprManagement management, DashboardActions actions) {
    this.management = management;
    this.actions = actions;
  }

  private static Requester by(Actor a) {
    return Requester.user(a.userId());
  }

  /** {@code POST /dashboard/gdpr-requests}: as the public API's, filed by the user. */
  public void create(Context ctx) {
    actions.run(ctx, "gdpr.request.create", Access.COMPANY, (actor, company, audit) -> {
      Requests.query(ctx, Set.of());
      ObjectNode body = JsonBody.object(ctx, GdprManagement.MAX_BODY, GdprManagement.FIELDS);
      ObjectNode out = management.file(company, body, by(actor));
      audit.target("gdpr_request:" + out.path("id").asText());
      audit.details().put("type", out.path("type").asText());
      audit.details().put("subjectKind", out.path("subject").path("kind").asText());
      return new Reply(201, out);
    });
  }

  /** {@code GET /dashboard/gdpr-requests?status=&limit=&cursor=}. */
  public void list(Context ctx) {
    actions.run(ctx, "gdpr.request.list", Access.COMPANY, (actor, company, audit) ->
        new Reply(200, management.list(company, Requests.query(ctx,
            GdprManagement.LIST_PARAMS))));
  }

  /** {@code GET /dashboard/gdpr-requests/{id}}. */
  public void get(Context ctx) {
    actions.run(ctx, "gdpr.request.get", Access.COMPANY, (actor, company, audit) -> {
      Requests.query(ctx, Set.of());
      ObjectNode out = management.get(company, ctx.pathParam("id"));
      audit.target("gdpr_request:" + out.path("id").asText());
      return new Reply(200, out);
    });
  }

  /** {@code DELETE /dashboard/gdpr-requests/{id}}: cancels a pending request. */
  public void cancel(Context ctx) {
    decide(ctx, "gdpr.request.cancel", false, (r, actor) -> r.cancel(by(actor),
        management.now()));
  }

  /** {@code POST /dashboard/admin/gdpr-requests/{id}/approve}. */
  public void approve(Context ctx) {
    decide(ctx, "gdpr.request.approve", true, (r, actor) -> r.approve(by(actor),
        management.now()));
  }

  /** {@code POST /dashboard/admin/gdpr-requests/{id}/reject}. */
  public void reject(Context ctx) {
    decide(ctx, "gdpr.request.reject", true, (r, actor) -> r.reject(by(actor),
        management.now()));
  }

  private void decide(Context ctx, String action, boolean approver,
      BiFunction<io.hyrelog.personal.GdprRequest, Actor, io.hyrelog.personal.GdprRequest> move) {
    actions.run(ctx, action, Access.COMPANY, (actor, company, audit) -> {
      // The path is input: only a UUID is recorded (never what a caller typed there).
      java.util.Optional.ofNullable(Requests.uuid(ctx.pathParam("id")))
          .ifPresent(u -> audit.target("gdpr_request:" + u));
      Requests.query(ctx, Set.of());
      JsonBody.none(ctx);
      if (approver) {
        requireApprover(actor);
      }
      ObjectNode out = management.decide(company, ctx.pathParam("id"),
          r -> move.apply(r, actor));
      audit.target("gdpr_request:" + out.path("id").asText());
      audit.details().put("status", out.path("status").asText());
      return new Reply(200, out);
    });
  }

  private static void requireApprover(Actor a) {
    if (!a.admin() && !a.role().equals(APPROVER_ROLE)) {
      throw new ApiException(ErrorCode.FORBIDDEN, "approving and rejecting erasures needs"
          + " x-user-role " + Dashboard.ADMIN_ROLE + " or " + APPROVER_ROLE);
    }
  }
}
