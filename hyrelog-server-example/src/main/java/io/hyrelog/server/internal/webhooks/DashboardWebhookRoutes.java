package io.hyrelog.server.internal.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Company;
import io.hyrelog.Workspace;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.JsonBody;
import io.hyrelog.server.internal.Requests;
import io.hyrelog.server.internal.dashboard.DashboardActions;
import io.hyrelog.server.internal.dashboard.DashboardActions.Access;
import io.hyrelog.server.internal.dashboard.DashboardActions.Actor;
import io.hyrelog.server.internal.dashboard.DashboardActions.Audit;
import io.hyrelog.server.internal.dashboard.DashboardActions.Reply;
import io.javalin.http.Context;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The dashboard's twins of the webhook routes, for the company of {@code x-company-id}: list
 * and create endpoints, enable and disable one, list its deliveries. The same rules as the
 * public API ({@link WebhookManagement}: plan gating, SSRF checks, 404 for other companies'
 * ids); every action is in the admin audit log ({@link DashboardActions}), with ids only.
 */
public final class DashboardWebhookRoutes {
  private static final Set<String> CREATE_FIELDS;

  static {
    Set<String> f = new HashSet<>(WebhookManagement.FIELDS);
    f.add("workspaceId");
    CREATE_FIELDS = Set.copyOf(f);
  }

  private final WebhookManagement management;
  private final DashboardActions actions;

  public DashboardWebhookRoutes(WebhookManagement management, DashboardActions actions) {
    this.management = management;
    this.actions = actions;
  }

  private static String by(Actor a) {
    return "dashboard user " + a.userId();
  }

  /** {@code GET /dashboard/webhooks?workspaceId=}: the company's endpoints, oldest first. */
  public void list(Context ctx) {
    actions.run(ctx, "webhook.list", Access.COMPANY, (actor, company, audit) -> {
      Map<String, String> q = Requests.query(ctx, Set.of("workspaceId"));
      Optional<UUID> workspace = Optional.ofNullable(q.get("workspaceId"))
          .map(v -> management.workspace(company, v).id());
      workspace.ifPresent(w -> audit.details().put("workspaceId", w.toString()));
      return new Reply(200, management.list(company, workspace));
    });
  }

  /**
   * {@code POST /dashboard/webhooks}: {@code {workspaceId, url, events, projectId?,
   * description?}} → 201 with the endpoint and its secret, shown only here.
   */
  public void create(Context ctx) {
    actions.run(ctx, "webhook.create", Access.COMPANY, (actor, company, audit) -> {
      Requests.query(ctx, Set.of());
      ObjectNode body = JsonBody.object(ctx, WebhookManagement.MAX_BODY, CREATE_FIELDS);
      Workspace w = management.workspace(company, workspaceField(body));
      audit.details().put("workspaceId", w.id().toString());
      body.remove("workspaceId");
      ObjectNode out = management.create(company, w, body, by(actor));
      audit.target("webhook_endpoint:" + out.path("id").asText());
      return new Reply(201, out);
    });
  }

  /** {@code POST /dashboard/webhooks/{id}/enable}. */
  public void enable(Context ctx) {
    setEnabled(ctx, "webhook.enable", true);
  }

  /** {@code POST /dashboard/webhooks/{id}/disable}. */
  public void disable(Context ctx) {
    setEnabled(ctx, "webhook.disable", false);
  }

  private void setEnabled(Context ctx, String action, boolean enabled) {
    actions.run(ctx, action, Access.COMPANY, (actor, company, audit) -> {
      UUID id = endpoint(ctx, company, audit);
      Requests.query(ctx, Set.of());
      JsonBody.none(ctx);
      return new Reply(200, management.setEnabled(company, id, enabled, by(actor)));
    });
  }

  /** {@code GET /dashboard/webhooks/{id}/deliveries?status=&limit=&cursor=}. */
  public void deliveries(Context ctx) {
    actions.run(ctx, "webhook.deliveries.list", Access.COMPANY, (actor, company, audit) -> {
      UUID id = endpoint(ctx, company, audit);
      Map<String, String> q = Requests.query(ctx, WebhookManagement.PAGE_PARAMS);
      return new Reply(200, management.deliveries(company, id, q));
    });
  }

  private UUID endpoint(Context ctx, Company company, Audit audit) {
    UUID id = management.endpoint(company, ctx.pathParam("id")).id();
    audit.target("webhook_endpoint:" + id);
    return id;
  }

  private static String workspaceField(JsonNode body) {
    JsonNode v = body.get("workspaceId");
    if (v == null || v.isNull()) {
      throw ApiException.validation("/workspaceId", "REQUIRED", "workspaceId is required");
    }
    if (!v.isTextual() || Requests.uuid(v.textValue()) == null) {
      throw ApiException.validation("/workspaceId", "INVALID_FORMAT",
          "workspaceId must be a UUID");
    }
    return v.textValue();
  }
}
