package io.hyrelog.server.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hyrelog.ApiKey;
import io.hyrelog.ApiKeyToken;
import io.hyrelog.Company;
import io.hyrelog.Digest;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Resolves a bearer API key: checksum, region, HMAC lookup in that region's database only,
 * revocation, expiry and IP allowlist. Resolved keys are cached for a short time (revocation
 * by another process takes effect within it); failures are never cached.
 */
public final class Authenticator {
  private final Tenancy tenancy;
  private final KeyHasher hasher;
  private final Clock clock;
  private final Cache<Digest, Principal> cache;

  public Authenticator(Tenancy tenancy, KeyHasher hasher, Clock clock, Duration ttl) {
    this.tenancy = tenancy;
    this.hasher = hasher;
    this.clock = clock;
    this.cache = Caffeine.newBuilder().maximumSize(100_000)
        .expireAfterWrite(ttl.isZero() ? Duration.ofNanos(1) : ttl).build();
  }

  /**
   * The caller behind an {@code Authorization} header.
   *
   * @throws ApiException UNAUTHORIZED (missing, malformed, unknown, revoked, expired, or of a
   *     region this server does not serve) or FORBIDDEN (client IP not in the allowlist)
   */
  public Principal authenticate(String authorization, InetAddress client) {
    if (authorization == null || authorization.isBlank()) {
      throw unauthorized("send the API key as 'Authorization: Bearer <key>'");
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw unauthorized("the Authorization header must use the Bearer scheme");
    }
    ApiKeyToken token;
    try {
      token = ApiKeyToken.parse(authorization.substring(7).strip());
    } catch (IllegalArgumentException e) {
      throw unauthorized("the API key is malformed: " + e.getMessage());
    }
    if (!tenancy.serves(token.region())) {
      throw unauthorized("the API key belongs to region " + token.region()
          + ", which this server does not serve");
    }
    Digest hmac = hasher.hash(token);
    Principal p = cache.getIfPresent(hmac);
    if (p == null) {
      p = load(token, hmac);
      cache.put(hmac, p);
    }
    Instant now = clock.instant();
    if (p.key().revokedAt() != null && !now.isBefore(p.key().revokedAt())) {
      throw unauthorized("the API key was revoked or rotated; use its replacement");
    }
    if (p.key().expiresAt() != null && !now.isBefore(p.key().expiresAt())) {
      throw unauthorized("the API key expired at " + p.key().expiresAt());
    }
    if (!p.key().allows(client)) {
      throw new ApiException(ErrorCode.FORBIDDEN,
          "the API key may not be used from this client address (IP allowlist)");
    }
    return p;
  }

  private Principal load(ApiKeyToken token, Digest hmac) {
    var tenants = tenancy.tenants(token.region());
    Optional<ApiKey> key = tenants.keyByHmac(hmac);
    // Compare again in constant time: the index lookup is an equality on the HMAC.
    if (key.isEmpty() || !java.security.MessageDigest.isEqual(key.get().hmac().bytes(),
        hmac.bytes()) || key.get().type() != token.type()) {
      throw unauthorized("the API key is not known");
    }
    Company company = tenancy.company(token.region(), key.get().companyId())
        .orElseThrow(() -> unauthorized("the API key is not known"));
    if (company.region() != token.region()) {
      throw unauthorized("the API key is not known");
    }
    tenants.touch(key.get().id(), clock.instant());
    return new Principal(key.get(), company);
  }

  /** Forgets cached keys (after a rotation in this process). */
  public void invalidate() {
    cache.invalidateAll();
  }

  private static ApiException unauthorized(String detail) {
    return new ApiException(ErrorCode.UNAUTHORIZED, detail);
  }
}
