package io.hyrelog.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.ApiKey;
import io.hyrelog.ApiKeyToken;
import io.hyrelog.ApiKeyType;
import io.hyrelog.IpRange;
import io.hyrelog.Workspace;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key management: create and rotate workspace keys (a company key with an IP allowlist, at
 * most {@code HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN} per minute; every operation is
 * logged), and the caller's key status. Company keys are created by the {@code seed} command
 * or an operator, never through the API; revocation is an operator action too.
 */
public final class KeyRoutes {
  private static final Logger AUDIT = LoggerFactory.getLogger("io.hyrelog.server.audit");
  private static final int MAX_ALLOWLIST = 100;

  private static final Set<String> OPTIONS = Set.of("ipAllowlist", "expiresAt");

  private final Tenancy tenancy;
  private final Authenticator authenticator;
  private final KeyHasher hasher;
  private final RateLimits rateLimits;
  private final Clock clock;

  public KeyRoutes(Tenancy tenancy, Authenticator authenticator, KeyHasher hasher,
      RateLimits rateLimits, Clock clock) {
    this.tenancy = tenancy;
    this.authenticator = authenticator;
    this.hasher = hasher;
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

  /** {@code POST /v1/workspaces/{workspaceId}/keys}. */
  public void create(Context ctx) {
    Principal p = manager(ctx);
    Workspace w = Requests.visibleWorkspace(tenancy, p, ctx.pathParam("workspaceId"));
    Requests.query(ctx, Set.of());
    Options o = options(ctx);
    Instant now = clock.instant();
    ApiKeyToken token = ApiKeyToken.generate(p.company().region(), ApiKeyType.WORKSPACE);
    ApiKey key = new ApiKey(UUID.randomUUID(), p.companyId(), w.id(), ApiKeyType.WORKSPACE,
        token.displayPrefix(), hasher.hash(token), o.allowlist, o.expiresAt, null, null,
        now);
    tenancy.tenants(p.company().region()).createKey(key);
    AUDIT.info("workspace key {} ({}) created for workspace {} by company key {}", key.id(),
        key.prefix(), w.id(), p.key().id());
    Json.send(ctx, 201, issued(key, token));
  }

  /** {@code POST /v1/keys/{keyId}/rotate}. */
  public void rotate(Context ctx) {
    Principal p = manager(ctx);
    UUID id = Requests.uuid(ctx.pathParam("keyId"));
    ApiKey old = id == null ? null : tenancy.tenants(p.company().region()).key(id)
        .filter(k -> k.companyId().equals(p.companyId())).orElse(null);
    if (old == null) {
      throw ApiException.notFound("key");
    }
    if (old.type() != ApiKeyType.WORKSPACE) {
      throw new ApiException(ErrorCode.FORBIDDEN, "only workspace keys rotate through the API;"
          + " company keys rotate through an operator");
    }
    Requests.query(ctx, Set.of());
    Instant now = clock.instant();
    if (!old.isActive(now)) {
      throw new ApiException(ErrorCode.CONFLICT, "the key is already revoked or expired");
    }
    ApiKeyToken token = ApiKeyToken.generate(p.company().region(), ApiKeyType.WORKSPACE);
    ApiKey key = new ApiKey(UUID.randomUUID(), p.companyId(), old.workspaceId(),
        ApiKeyType.WORKSPACE, token.displayPrefix(), hasher.hash(token), old.ipAllowlist(),
        old.expiresAt(), null, old.id(), now);
    if (!tenancy.tenants(p.company().region()).rotate(old.id(), key)) {
      throw new ApiException(ErrorCode.CONFLICT, "the key is already revoked or rotated");
    }
    authenticator.invalidate(old.hmac());
    AUDIT.info("workspace key {} ({}) rotated to {} ({}) by company key {}", old.id(),
        old.prefix(), key.id(), key.prefix(), p.key().id());
    Json.send(ctx, 201, issued(key, token));
  }

  /** {@code GET /v1/keys/status}. */
  public void status(Context ctx) {
    Principal p = RequestPipeline.principal(ctx);
    Requests.query(ctx, Set.of());
    ObjectNode body = describe(p.key(), clock.instant());
    body.put("region", p.company().region().name());
    body.put("plan", p.company().planTier().name());
    if (p.key().type() == ApiKeyType.COMPANY) {
      ArrayNode keys = body.putArray("keys");
      for (ApiKey k : tenancy.tenants(p.company().region()).keys(p.companyId())) {
        keys.add(describe(k, clock.instant()));
      }
    }
    Json.send(ctx, 200, body);
  }

  private static ObjectNode describe(ApiKey k, Instant now) {
    ObjectNode n = Json.object();
    n.put("id", k.id().toString());
    n.put("type", k.type().name());
    n.put("prefix", k.prefix());
    n.put("companyId", k.companyId().toString());
    if (k.workspaceId() == null) {
      n.putNull("workspaceId");
    } else {
      n.put("workspaceId", k.workspaceId().toString());
    }
    n.put("status", k.revokedAt() != null ? "REVOKED" : k.isActive(now) ? "ACTIVE" : "EXPIRED");
    ArrayNode allow = n.putArray("ipAllowlist");
    k.ipAllowlist().forEach(r -> allow.add(r.toString()));
    n.put("createdAt", k.createdAt().toString());
    Json.putTime(n, "expiresAt", k.expiresAt());
    Json.putTime(n, "revokedAt", k.revokedAt());
    if (k.rotatedFrom() != null) {
      n.put("rotatedFrom", k.rotatedFrom().toString());
    }
    return n;
  }


  private static ObjectNode issued(ApiKey k, ApiKeyToken token) {
    ObjectNode n = describe(k, k.createdAt());
    n.put("key", token.text());
    n.put("warning", "the key is shown once; store it now");
    return n;
  }

  private record Options(List<IpRange> allowlist, Instant expiresAt) {}

  private Options options(Context ctx) {
    JsonNode body = JsonBody.optionalObject(ctx, 64 * 1024, OPTIONS);
    List<IpRange> allow = new ArrayList<>();
    JsonNode a = body.get("ipAllowlist");
    if (a != null && !a.isNull()) {
      if (!a.isArray() || a.size() > MAX_ALLOWLIST) {
        throw ApiException.validation("/ipAllowlist", "INVALID_TYPE", "ipAllowlist must be an"
            + " array of at most " + MAX_ALLOWLIST + " CIDR blocks");
      }
      for (int i = 0; i < a.size(); i++) {
        try {
          if (!a.get(i).isTextual()) {
            throw new IllegalArgumentException("not a string");
          }
          allow.add(IpRange.parse(a.get(i).textValue()));
        } catch (IllegalArgumentException e) {
          throw ApiException.validation("/ipAllowlist/" + i, "INVALID_FORMAT",
              "must be an IP address or CIDR block such as 10.0.0.0/8");
        }
      }
    }
    Instant expires = null;
    JsonNode e = body.get("expiresAt");
    if (e != null && !e.isNull()) {
      expires = e.isTextual() ? Requests.instant(e.textValue()) : null;
      if (expires == null) {
        throw ApiException.validation("/expiresAt", "INVALID_FORMAT", "expiresAt must be an"
            + " RFC 3339 date-time with an offset");
      }
      if (!expires.isAfter(clock.instant())) {
        throw ApiException.validation("/expiresAt", "OUT_OF_RANGE",
            "expiresAt must be in the future");
      }
    }
    return new Options(allow, expires);
  }
}
