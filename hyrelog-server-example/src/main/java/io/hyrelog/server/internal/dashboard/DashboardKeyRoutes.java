package io.hyrelog.server.internal.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.ApiKey;
import io.hyrelog.Company;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.JsonBody;
import io.hyrelog.server.internal.KeyManagement;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.Requests;
import io.hyrelog.server.internal.dashboard.DashboardActions.Access;
import io.hyrelog.server.internal.dashboard.DashboardActions.Audit;
import io.hyrelog.server.internal.dashboard.DashboardActions.Reply;
import io.javalin.http.Context;
import java.util.Set;
import java.util.UUID;

/**
 * HyreLog staff's key administration ({@code x-user-role: HYRELOG_ADMIN}): list a company's
 * keys, create a company key (shown once), rotate any key (the new one shown once) and revoke
 * any key, company or workspace. The same rules as the public API ({@link KeyManagement});
 * every action is in the admin audit log and, when it changes something, in the company's
 * system chain ({@link DashboardActions}), with key ids and prefixes only.
 */
public final class DashboardKeyRoutes {
  private final Dashboard d;
  private final Regions regions;
  private final KeyManagement keys;
  private final DashboardActions actions;

  public DashboardKeyRoutes(Dashboard dashboard, Regions regions, KeyManagement keys,
      DashboardActions actions) {
    this.d = dashboard;
    this.regions = regions;
    this.keys = keys;
    this.actions = actions;
  }

  /** {@code GET /dashboard/admin/companies/{id}/keys}: the company's keys, oldest first. */
  public void list(Context ctx) {
    actions.run(ctx, "admin.key.list", Access.ADMIN, (actor, none, audit) -> {
      Company company = company(ctx, audit);
      Requests.query(ctx, Set.of());
      ObjectNode out = Json.object();
      out.set("data", keys.list(company));
      return new Reply(200, out);
    });
  }

  /**
   * {@code POST /dashboard/admin/companies/{id}/keys}: {@code {ipAllowlist?, expiresAt?}} → 201
   * with a new company key, shown only here.
   */
  public void create(Context ctx) {
    actions.run(ctx, "admin.key.create", Access.ADMIN, (actor, none, audit) -> {
      Company company = company(ctx, audit);
      Requests.query(ctx, Set.of());
      KeyManagement.Issued issued = keys.createCompanyKey(company, keys.options(ctx));
      describe(audit, issued.key());
      audit.details().put("ipAllowlistSize", issued.key().ipAllowlist().size());
      return new Reply(201, issued.json());
    });
  }

  /** {@code POST /dashboard/admin/keys/{id}/rotate}: any active key → 201 with its successor. */
  public void rotate(Context ctx) {
    onKey(ctx, "admin.key.rotate", (old, company, audit) -> {
      KeyManagement.Issued issued = keys.rotate(company, old);
      audit.details().put("newKeyId", issued.key().id().toString())
          .put("newKeyPrefix", issued.key().prefix());
      return new Reply(201, issued.json());
    });
  }

  /**
   * {@code POST /dashboard/admin/keys/{id}/revoke}: any key → 200 with its status; a revoked
   * key stays as it is (200, nothing recorded in the system chain).
   */
  public void revoke(Context ctx) {
    onKey(ctx, "admin.key.revoke", (key, company, audit) -> {
      KeyManagement.Revocation r = keys.revoke(company, key);
      if (!r.changed()) {
        audit.details().put("alreadyRevoked", true);
        audit.unchanged();
      }
      return new Reply(200, KeyManagement.describe(r.key(), d.clock().instant()));
    });
  }

  private interface KeyAction {
    Reply apply(ApiKey key, Company company, Audit audit);
  }

  /** An admin action on the key of the path's id, taking no query and no body. */
  private void onKey(Context ctx, String action, KeyAction a) {
    actions.run(ctx, action, Access.ADMIN, (actor, none, audit) -> {
      ApiKey key = keys.anyKey(ctx.pathParam("id"), regions.ids());
      describe(audit, key);
      Requests.query(ctx, Set.of());
      JsonBody.none(ctx);
      return a.apply(key, d.company(key.companyId())
          .orElseThrow(() -> ApiException.notFound("key")), audit);
    });
  }

  private Company company(Context ctx, Audit audit) {
    UUID id = Requests.uuid(ctx.pathParam("id"));
    Company c = id == null ? null : d.company(id).orElse(null);
    if (c == null) {
      throw ApiException.notFound("company");
    }
    audit.company(c);
    return c;
  }

  private static void describe(Audit audit, ApiKey k) {
    audit.company(k.companyId());
    audit.target("api_key:" + k.id());
    KeyManagement.details(audit.details(), k);
  }
}
