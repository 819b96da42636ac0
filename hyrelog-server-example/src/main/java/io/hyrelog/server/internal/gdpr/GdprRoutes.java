package io.hyrelog.server.internal.gdpr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.personal.Requester;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.JsonBody;
import io.hyrelog.server.internal.KeyRoutes;
import io.hyrelog.server.internal.Principal;
import io.hyrelog.server.internal.RateLimits;
import io.hyrelog.server.internal.Requests;
import io.hyrelog.server.internal.SystemChain;
import io.javalin.http.Context;
import java.util.Set;

/**
 * The public API of personal-data requests: {@code POST /v1/gdpr/requests}, {@code GET
 * /v1/gdpr/requests[/{id}]}. A company key with an IP allowlist ({@link KeyRoutes#manager}),
 * within {@code HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN} filings (and, apart, reads) per
 * minute. Filing is recorded on the company's system chain (ids and the type only).
 */
public final class GdprRoutes {
  private final GdprManagement management;
  private final RateLimits rateLimits;
  private final SystemChain systemChain;

  public GdprRoutes(GdprManagement management, RateLimits rateLimits, SystemChain systemChain) {
    this.management = management;
    this.rateLimits = rateLimits;
    this.systemChain = systemChain;
  }

  /** {@code POST /v1/gdpr/requests}: {@code {type, subject, reason, workspaceId?}} → 201. */
  public void create(Context ctx) {
    Principal p = KeyRoutes.manager(ctx, rateLimits, "filing gdpr requests", "gdpr:");
    Requests.query(ctx, Set.of());
    ObjectNode body = JsonBody.object(ctx, GdprManagement.MAX_BODY, GdprManagement.FIELDS);
    // The filing and its system chain record commit together.
    ObjectNode out = systemChain.change(() -> {
      ObjectNode filed = management.file(p.company(), body,
          Requester.key(p.key().id().toString()));
      ObjectNode details = Json.object();
      details.put("type", filed.path("type").asText());
      details.put("subjectKind", filed.path("subject").path("kind").asText());
      KeyRoutes.record(systemChain, ctx, p, "gdpr.request.create",
          "gdpr_request:" + filed.path("id").asText(), details);
      return filed;
    });
    Json.send(ctx, 201, out);
  }

  /** {@code GET /v1/gdpr/requests?status=&limit=&cursor=}: newest first. */
  public void list(Context ctx) {
    Principal p = KeyRoutes.manager(ctx, rateLimits, "reading gdpr requests", "gdpr-read:");
    Json.send(ctx, 200, management.list(p.company(),
        Requests.query(ctx, GdprManagement.LIST_PARAMS)));
  }

  /** {@code GET /v1/gdpr/requests/{id}}. */
  public void get(Context ctx) {
    Principal p = KeyRoutes.manager(ctx, rateLimits, "reading gdpr requests", "gdpr-read:");
    Requests.query(ctx, Set.of());
    Json.send(ctx, 200, management.get(p.company(), ctx.pathParam("id")));
  }
}
