package io.hyrelog.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.ApiKey;
import io.hyrelog.ApiKeyType;
import io.hyrelog.Workspace;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key management through the public API: create and rotate workspace keys, revoke any key of
 * the company (a company key with an IP allowlist, at most {@code
 * HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN} operations per minute), and the caller's key
 * status. Every change is logged and recorded for the company's {@link SystemChain} in the
 * change's own transaction, with the calling key as actor. Company keys are created and rotated by HyreLog's staff (the dashboard)
 * or the {@code seed} command, never through the public API.
 */
public final class KeyRoutes {
  private static final Logger AUDIT = LoggerFactory.getLogger("io.hyrelog.server.audit");

  private final Tenancy tenancy;
  private final KeyManagement keys;
  private final SystemChain systemChain;
  private final RateLimits rateLimits;
  private final Clock clock;

  public KeyRoutes(Tenancy tenancy, KeyManagement keys, SystemChain systemChain,
      RateLimits rateLimits, Clock clock) {
    this.tenancy = tenancy;
    this.keys = keys;
    this.systemChain = systemChain;
    this.rateLimits = rateLimits;
    this.clock = clock;
  }

  private Principal manager(Context ctx) {
    return manager(ctx, rateLimits, "key management", "");
  }

  /**
   * The caller of a management operation: a company key with a non-empty IP allowlist (the
   * authenticator has checked the client address against it), within {@code
   * HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN} operations of {@code what} per minute.
   *
   * @param what the operations, e.g. {@code key management}
   * @param bucket the rate bucket's prefix: operations of different prefixes count apart
   * @throws ApiException FORBIDDEN for another key, RATE_LIMITED over the rate
   */
  public static Principal manager(Context ctx, RateLimits rateLimits, String what,
      String bucket) {
    Principal p = RequestPipeline.principal(ctx);
    if (p.key().type() != ApiKeyType.COMPANY) {
      throw new ApiException(ErrorCode.FORBIDDEN, what + " needs a company key");
    }
    if (p.key().ipAllowlist().isEmpty()) {
      throw new ApiException(ErrorCode.FORBIDDEN, what + " needs a company key with an"
          + " IP allowlist; ask an operator to restrict this key");
    }
    RequestPipeline.requireAllowed(ctx, rateLimits.keyManagement(bucket + p.key().id()),
        what + " by this key");
    return p;
  }

  /**
   * Records a public-API management action for the caller's company's system chain, the
   * calling key as actor, inside the {@link SystemChain#change} that makes it.
   */
  public static void record(SystemChain chain, Context ctx, Principal p, String action,
      String target, ObjectNode details) {
    chain.record(p.company(), action, SystemChain.keyActor(p.key()), target, details,
        RequestPipeline.requestContext(ctx));
  }

  /** {@code POST /v1/workspaces/{workspaceId}/keys}. */
  public void create(Context ctx) {
    Principal p = manager(ctx);
    Workspace w = Requests.visibleWorkspace(tenancy, p, ctx.pathParam("workspaceId"));
    KeyManagement.requireCustomerWorkspace(w);
    Requests.query(ctx, Set.of());
    KeyManagement.Options options = keys.options(ctx);
    KeyManagement.Issued issued = systemChain.change(() -> {
      KeyManagement.Issued i = keys.createWorkspaceKey(p.company(), w, options);
      record(ctx, p, "key.create", i.key(), Json.object());
      return i;
    });
    ApiKey key = issued.key();
    AUDIT.info("workspace key {} ({}) created for workspace {} by company key {}", key.id(),
        key.prefix(), w.id(), p.key().id());
    Json.send(ctx, 201, issued.json());
  }

  /** {@code POST /v1/keys/{keyId}/rotate}: workspace keys only. */
  public void rotate(Context ctx) {
    Principal p = manager(ctx);
    ApiKey old = keys.keyOf(p.company(), ctx.pathParam("keyId"));
    if (old.type() != ApiKeyType.WORKSPACE) {
      throw new ApiException(ErrorCode.FORBIDDEN, "only workspace keys rotate through the API;"
          + " company keys rotate through HyreLog's staff (the dashboard)");
    }
    Requests.query(ctx, Set.of());
    KeyManagement.Issued issued = systemChain.change(() -> {
      KeyManagement.Issued i = keys.rotate(p.company(), old);
      record(ctx, p, "key.rotate", old, Json.object().put("newKeyId", i.key().id().toString())
          .put("newKeyPrefix", i.key().prefix()));
      return i;
    });
    ApiKey key = issued.key();
    AUDIT.info("workspace key {} ({}) rotated to {} ({}) by company key {}", old.id(),
        old.prefix(), key.id(), key.prefix(), p.key().id());
    Json.send(ctx, 201, issued.json());
  }

  /**
   * {@code POST /v1/keys/{keyId}/revoke}: any key of the caller's company — workspace keys,
   * other company keys and the calling key itself (an emergency stop; afterwards the company
   * manages keys with another company key or through HyreLog's staff). 200 with the key's
   * status; revoking a revoked (or rotated) key again is 200 too, unchanged, with the first
   * revocation's time.
   */
  public void revoke(Context ctx) {
    Principal p = manager(ctx);
    ApiKey key = keys.keyOf(p.company(), ctx.pathParam("keyId"));
    Requests.query(ctx, Set.of());
    JsonBody.none(ctx);
    KeyManagement.Revocation r = systemChain.change(() -> {
      KeyManagement.Revocation done = keys.revoke(p.company(), key);
      if (done.changed()) {
        record(ctx, p, "key.revoke", key, Json.object());
      }
      return done;
    });
    if (r.changed()) {
      AUDIT.info("{} key {} ({}) revoked by company key {}", key.type(), key.id(),
          key.prefix(), p.key().id());
    }
    Json.send(ctx, 200, KeyManagement.describe(r.key(), clock.instant()));
  }

  private void record(Context ctx, Principal p, String action, ApiKey key,
      ObjectNode details) {
    KeyManagement.details(details, key);
    record(systemChain, ctx, p, action, "api_key:" + key.id(), details);
  }

  /** {@code GET /v1/keys/status}. */
  public void status(Context ctx) {
    Principal p = RequestPipeline.principal(ctx);
    Requests.query(ctx, Set.of());
    ObjectNode body = KeyManagement.describe(p.key(), clock.instant());
    body.put("region", p.company().region().name());
    body.put("plan", p.company().planTier().name());
    if (p.key().type() == ApiKeyType.COMPANY) {
      body.put("systemChainId", Workspace.systemId(p.companyId()).toString());
      body.set("keys", keys.list(p.company()));
    }
    Json.send(ctx, 200, body);
  }
}
