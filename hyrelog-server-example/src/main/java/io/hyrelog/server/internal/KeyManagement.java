package io.hyrelog.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.ApiKey;
import io.hyrelog.ApiKeyToken;
import io.hyrelog.ApiKeyType;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.IpRange;
import io.hyrelog.Workspace;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The rules of API key management that the public API ({@link KeyRoutes}) and the dashboard
 * share: issuing workspace and company keys (the key shown once), rotating and revoking them,
 * and how a key is described (never its secret or HMAC). A revocation or rotation forgets the
 * key in this process's authentication cache at once; other processes refuse it within {@code
 * HYRELOG_AUTH_CACHE_SECONDS}. Thread-safe.
 */
public final class KeyManagement {
  /** The most CIDR blocks in a key's IP allowlist. */
  public static final int MAX_ALLOWLIST = 100;
  /** The fields of a key creation body. */
  public static final Set<String> OPTIONS = Set.of("ipAllowlist", "expiresAt");
  private static final int MAX_BODY = 64 * 1024;

  private final Tenancy tenancy;
  private final Authenticator authenticator;
  private final KeyHasher hasher;
  private final Clock clock;
  private final SystemChain systemChain;

  public KeyManagement(Tenancy tenancy, Authenticator authenticator, KeyHasher hasher,
      Clock clock, SystemChain systemChain) {
    this.tenancy = Objects.requireNonNull(tenancy, "tenancy");
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.hasher = Objects.requireNonNull(hasher, "hasher");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.systemChain = Objects.requireNonNull(systemChain, "systemChain");
  }

  /**
   * Drops a key from the authentication cache once the change that revoked or rotated it
   * committed: before, a concurrent request would read it still active and cache it again.
   */
  private void invalidate(ApiKey key) {
    systemChain.afterCommit(() -> authenticator.invalidate(key.hmac()));
  }

  /** A new key's settings, from a request body. */
  public record Options(List<IpRange> allowlist, Instant expiresAt) {
    public Options {
      allowlist = List.copyOf(allowlist);
    }
  }

  /** A key just made, with its secret token (to be shown once). */
  public record Issued(ApiKey key, ApiKeyToken token) {
    public Issued {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(token, "token");
    }

    /** The reply: the key's status, the key in full and the warning that it is shown once. */
    public ObjectNode json() {
      ObjectNode n = describe(key, key.createdAt());
      n.put("key", token.text());
      n.put("warning", "the key is shown once; store it now");
      return n;
    }

    @Override
    public String toString() {
      return "Issued[" + key + ", <masked>]";
    }
  }

  /** A revocation's outcome: the key as stored now, and whether this call revoked it. */
  public record Revocation(ApiKey key, boolean changed) {}

  /** A workspace key for {@code w}, a customer workspace of {@code company}. */
  public Issued createWorkspaceKey(Company company, Workspace w, Options o) {
    requireCustomerWorkspace(w);
    return create(company, w.id(), ApiKeyType.WORKSPACE, o);
  }

  /** A company key for {@code company}. */
  public Issued createCompanyKey(Company company, Options o) {
    return create(company, null, ApiKeyType.COMPANY, o);
  }

  private Issued create(Company company, UUID workspaceId, ApiKeyType type, Options o) {
    ApiKeyToken token = ApiKeyToken.generate(company.region(), type);
    ApiKey key = new ApiKey(UUID.randomUUID(), company.id(), workspaceId, type,
        token.displayPrefix(), hasher.hash(token), o.allowlist(), o.expiresAt(), null, null,
        clock.instant());
    tenancy.tenants(company.region()).createKey(key);
    return new Issued(key, token);
  }

  /**
   * Replaces an active key by a new one of the same company, type, workspace, allowlist and
   * expiry; the old key is revoked as of the new one's creation.
   *
   * @throws ApiException CONFLICT when the key is already revoked, rotated or expired
   */
  public Issued rotate(Company company, ApiKey old) {
    if (!old.isActive(clock.instant())) {
      throw new ApiException(ErrorCode.CONFLICT, "the key is already revoked or expired");
    }
    ApiKeyToken token = ApiKeyToken.generate(company.region(), old.type());
    ApiKey key = new ApiKey(UUID.randomUUID(), company.id(), old.workspaceId(), old.type(),
        token.displayPrefix(), hasher.hash(token), old.ipAllowlist(), old.expiresAt(), null,
        old.id(), clock.instant());
    if (!tenancy.tenants(company.region()).rotate(old.id(), key)) {
      throw new ApiException(ErrorCode.CONFLICT, "the key is already revoked or rotated");
    }
    invalidate(old);
    return new Issued(key, token);
  }

  /**
   * Revokes a key now. Idempotent: a key revoked before (or rotated away) stays revoked as of
   * its first revocation, and the outcome says nothing changed.
   */
  public Revocation revoke(Company company, ApiKey key) {
    var tenants = tenancy.tenants(company.region());
    boolean changed = tenants.revoke(key.id(), clock.instant());
    invalidate(key);
    ApiKey now = tenants.key(key.id()).orElseThrow(() -> ApiException.notFound("key"));
    return new Revocation(now, changed);
  }

  /** The key of a path id if it belongs to {@code company}; NOT_FOUND otherwise. */
  public ApiKey keyOf(Company company, String pathId) {
    UUID id = Requests.uuid(pathId);
    return (id == null ? Optional.<ApiKey>empty() : tenancy.tenants(company.region()).key(id)
        .filter(k -> k.companyId().equals(company.id())))
        .orElseThrow(() -> ApiException.notFound("key"));
  }

  /** A key of any company of the served regions, by a path id; NOT_FOUND otherwise. */
  public ApiKey anyKey(String pathId, Set<DataRegion> regions) {
    UUID id = Requests.uuid(pathId);
    if (id != null) {
      for (DataRegion r : regions) {
        Optional<ApiKey> k = tenancy.tenants(r).key(id);
        if (k.isPresent()) {
          return k.get();
        }
      }
    }
    throw ApiException.notFound("key");
  }

  /** The keys of {@code company}, oldest first, as {@link #describe} shows them. */
  public ArrayNode list(Company company) {
    ArrayNode keys = Json.MAPPER.createArrayNode();
    Instant now = clock.instant();
    for (ApiKey k : tenancy.tenants(company.region()).keys(company.id())) {
      keys.add(describe(k, now));
    }
    return keys;
  }

  /**
   * Refuses the system workspace: HyreLog alone writes its chain, so it takes no keys.
   *
   * @throws ApiException FORBIDDEN for the system workspace
   */
  public static void requireCustomerWorkspace(Workspace w) {
    if (w.isSystem()) {
      throw new ApiException(ErrorCode.FORBIDDEN, "workspace " + w.id() + " is the company's"
          + " system workspace: HyreLog records administration there and it takes no keys or"
          + " webhooks; it can only be read, exported and verified");
    }
  }

  /** A key's status: everything but its secret and HMAC. */
  public static ObjectNode describe(ApiKey k, Instant now) {
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

  /** What the system chain and the admin audit log record of a key: ids and prefix only. */
  public static void details(ObjectNode into, ApiKey k) {
    into.put("keyId", k.id().toString());
    into.put("keyType", k.type().name());
    into.put("keyPrefix", k.prefix());
    if (k.workspaceId() != null) {
      into.put("workspaceId", k.workspaceId().toString());
    }
  }

  /** A key creation's options from the (optional) JSON body: {@code {ipAllowlist?, expiresAt?}}. */
  public Options options(Context ctx) {
    JsonNode body = JsonBody.optionalObject(ctx, MAX_BODY, OPTIONS);
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
