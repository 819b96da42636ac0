package io.hyrelog.server.internal.webhooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.JsonBody;
import io.hyrelog.server.internal.KeyRoutes;
import io.hyrelog.server.internal.Principal;
import io.hyrelog.server.internal.RateLimits;
import io.hyrelog.server.internal.Requests;
import io.hyrelog.server.internal.SystemChain;
import io.hyrelog.server.internal.Tenancy;
import io.hyrelog.Workspace;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The public API's webhook routes: create (the secret shown once), list, disable, enable, rotate
 * the secret, list deliveries and retry one ({@link WebhookManagement} does the work). Every
 * route needs a company key with an IP allowlist, at most {@code
 * HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN} operations per minute (counted apart from key
 * management); another company's ids answer 404. Every change is recorded for the company's
 * {@link SystemChain} in the change's own transaction, the calling key as actor, with ids
 * only.
 */
public final class WebhookRoutes {
  private static final String WHAT = "webhook management";
  private static final String BUCKET = "webhooks:";

  private final WebhookManagement management;
  private final Tenancy tenancy;
  private final RateLimits rateLimits;
  private final SystemChain systemChain;

  public WebhookRoutes(WebhookManagement management, Tenancy tenancy, RateLimits rateLimits,
      SystemChain systemChain) {
    this.management = management;
    this.tenancy = tenancy;
    this.rateLimits = rateLimits;
    this.systemChain = systemChain;
  }

  private void record(Context ctx, Principal p, String action, UUID endpoint,
      ObjectNode details) {
    KeyRoutes.record(systemChain, ctx, p, action, "webhook_endpoint:" + endpoint, details);
  }

  private Principal manager(Context ctx) {
    return KeyRoutes.manager(ctx, rateLimits, WHAT, BUCKET);
  }

  private static String by(Principal p) {
    return "company key " + p.key().id();
  }

  /** {@code POST /v1/workspaces/{workspaceId}/webhooks}. */
  public void create(Context ctx) {
    Principal p = manager(ctx);
    Workspace w = Requests.visibleWorkspace(tenancy, p, ctx.pathParam("workspaceId"));
    Requests.query(ctx, Set.of());
    ObjectNode body = JsonBody.object(ctx, WebhookManagement.MAX_BODY, WebhookManagement.FIELDS);
    ObjectNode out = systemChain.change(() -> {
      ObjectNode created = management.create(p.company(), w, body, by(p));
      record(ctx, p, "webhook.create", UUID.fromString(created.path("id").asText()),
          Json.object().put("workspaceId", w.id().toString()));
      return created;
    });
    Json.send(ctx, 201, out);
  }

  /** {@code GET /v1/workspaces/{workspaceId}/webhooks}. */
  public void list(Context ctx) {
    Principal p = manager(ctx);
    Workspace w = Requests.visibleWorkspace(tenancy, p, ctx.pathParam("workspaceId"));
    Requests.query(ctx, Set.of());
    Json.send(ctx, 200, management.list(p.company(), Optional.of(w.id())));
  }

  /** {@code POST /v1/webhooks/{id}/disable}. */
  public void disable(Context ctx) {
    setEnabled(ctx, false);
  }

  /** {@code POST /v1/webhooks/{id}/enable}. */
  public void enable(Context ctx) {
    setEnabled(ctx, true);
  }

  private void setEnabled(Context ctx, boolean enabled) {
    Principal p = manager(ctx);
    UUID id = management.endpoint(p.company(), ctx.pathParam("id")).id();
    Requests.query(ctx, Set.of());
    ObjectNode out = systemChain.change(() -> {
      ObjectNode changed = management.setEnabled(p.company(), id, enabled, by(p));
      record(ctx, p, enabled ? "webhook.enable" : "webhook.disable", id, Json.object());
      return changed;
    });
    Json.send(ctx, 200, out);
  }

  /** {@code POST /v1/webhooks/{id}/rotate-secret}. */
  public void rotateSecret(Context ctx) {
    Principal p = manager(ctx);
    UUID id = management.endpoint(p.company(), ctx.pathParam("id")).id();
    Requests.query(ctx, Set.of());
    ObjectNode out = systemChain.change(() -> {
      ObjectNode rotated = management.rotateSecret(p.company(), id, by(p));
      record(ctx, p, "webhook.rotate_secret", id, Json.object());
      return rotated;
    });
    Json.send(ctx, 200, out);
  }

  /** {@code GET /v1/webhooks/{id}/deliveries}. */
  public void deliveries(Context ctx) {
    Principal p = manager(ctx);
    UUID id = management.endpoint(p.company(), ctx.pathParam("id")).id();
    Map<String, String> q = Requests.query(ctx, WebhookManagement.PAGE_PARAMS);
    Json.send(ctx, 200, management.deliveries(p.company(), id, q));
  }

  /** {@code POST /v1/webhooks/{id}/deliveries/{deliveryId}/retry}. */
  public void retry(Context ctx) {
    Principal p = manager(ctx);
    UUID id = management.endpoint(p.company(), ctx.pathParam("id")).id();
    String delivery = ctx.pathParam("deliveryId");
    Requests.query(ctx, Set.of());
    ObjectNode out = systemChain.change(() -> {
      ObjectNode retried = management.retry(p.company(), id, delivery, by(p));
      record(ctx, p, "webhook.delivery.retry", id, Json.object().put("deliveryId",
          Requests.uuid(delivery).toString()));
      return retried;
    });
    Json.send(ctx, 200, out);
  }
}
