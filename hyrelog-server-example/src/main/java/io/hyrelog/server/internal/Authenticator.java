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
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a bearer API key: checksum, region, HMAC lookup in that region's database only,
 * revocation, expiry and IP allowlist. Resolved keys are cached for {@code ttl} (revocation by
 * another process takes effect within it); failures are never cached. The key's company is
 * read on every request, so a plan assigned by any process applies to the next request here
 * (one primary-key read; the tiers' values come from {@link Tenancy#plan}).
 *
 * <p>While the database cannot be reached, a key resolved before is still accepted for up to
 * {@code stale} past its {@code ttl} (expiry and allowlist are still checked): requests that
 * need no database go on being served, the others get 503 from the store rather than 401. A
 * revocation or plan change made meanwhile applies at the first lookup after the database is
 * back. A key never resolved gets 503 while the database is away. After a company read fails
 * as unavailable, the region's cached keys skip the read for a second, so an outage costs one
 * database timeout per second, not one per request.
 */
public final class Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  private final Tenancy tenancy;
  private final KeyHasher hasher;
  private final Clock clock;
  private final Duration ttl;
  private final Duration stale;
  private final Cache<Digest, Cached> cache;
  private static final long STALE_WARNING_EVERY = 10_000_000_000L;
  private final java.util.concurrent.atomic.AtomicLong lastStaleWarning =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - STALE_WARNING_EVERY - 1);

  private record Cached(Principal principal, Instant loadedAt) {}

  /** After a read failed as unavailable, the next fresh company read waits this long (ns). */
  private static final long RECHECK_AFTER_FAILURE = 1_000_000_000L;
  private final java.util.Map<io.hyrelog.DataRegion, AtomicLong> unavailableSince =
      new java.util.EnumMap<>(io.hyrelog.DataRegion.class);

  public Authenticator(Tenancy tenancy, KeyHasher hasher, Clock clock, Duration ttl,
      Duration stale) {
    this.tenancy = tenancy;
    this.hasher = hasher;
    this.clock = clock;
    this.ttl = ttl;
    this.stale = stale;
    for (io.hyrelog.DataRegion r : io.hyrelog.DataRegion.values()) {
      unavailableSince.put(r, new AtomicLong());
    }
    Duration keep = ttl.plus(stale);
    this.cache = Caffeine.newBuilder().maximumSize(100_000)
        .ticker(() -> {
          Instant t = clock.instant();
          return t.getEpochSecond() * 1_000_000_000L + t.getNano();
        })
        .expireAfterWrite(keep.isZero() ? Duration.ofNanos(1) : keep).build();
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
    Instant now = clock.instant();
    Cached cached = cache.getIfPresent(hmac);
    Principal p;
    if (cached != null && now.isBefore(cached.loadedAt().plus(ttl))) {
      p = current(cached, now);
    } else {
      try {
        p = load(token, hmac);
        cache.put(hmac, new Cached(p, now));
      } catch (RuntimeException e) {
        if (cached == null || !Problems.storeUnavailable(e)
            || !now.isBefore(cached.loadedAt().plus(ttl).plus(stale))) {
          throw e;
        }
        long last = lastStaleWarning.get();
        if (System.nanoTime() - last > STALE_WARNING_EVERY && lastStaleWarning
            .compareAndSet(last, System.nanoTime())) {
          LOG.warn("the database of region {} cannot be reached; accepting keys resolved"
              + " before (up to HYRELOG_AUTH_CACHE_STALE_SECONDS past their refresh)",
              token.region());
        }
        p = cached.principal();
      }
    }
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
    try {
      tenants.touch(key.get().id(), clock.instant());
    } catch (RuntimeException e) {
      // last_used_at is informational; the key was resolved
      LOG.debug("could not record the use of key {}: {}", key.get().id(), e.toString());
    }
    return new Principal(key.get(), company, tenancy.plan(company));
  }

  /**
   * The cached key with its company (and plan) as stored now. While the database is away (a
   * read failed as unavailable less than {@link #RECHECK_AFTER_FAILURE} ago, or fails now),
   * the cached company within the stale window: requests that need no database are not held
   * up by one database timeout each.
   */
  private Principal current(Cached cached, Instant now) {
    Principal p = cached.principal();
    boolean staleAllowed = now.isBefore(cached.loadedAt().plus(ttl).plus(stale));
    AtomicLong down = unavailableSince.get(p.company().region());
    long failedAt = down.get();
    if (failedAt != 0 && System.nanoTime() - failedAt < RECHECK_AFTER_FAILURE && staleAllowed) {
      return p;
    }
    try {
      Company c = readCompany(p.company())
          .orElseThrow(() -> unauthorized("the API key is not known"));
      Principal fresh = new Principal(p.key(), c, tenancy.plan(c));
      down.set(0);
      return fresh;
    } catch (RuntimeException e) {
      if (!Problems.storeUnavailable(e)) {
        throw e;
      }
      down.set(System.nanoTime());
      if (!staleAllowed) {
        throw e;
      }
      return p;
    }
  }

  /** The company reads in flight, by company: concurrent requests of a company share one. */
  private final java.util.concurrent.ConcurrentHashMap<java.util.UUID,
      java.util.concurrent.CompletableFuture<Optional<Company>>> reading =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The company as stored now. Requests of one company that arrive while its read is in flight
   * take that read's answer instead of starting their own, so a flood of requests from one
   * tenant costs the database one read at a time, not one per request (a plan assigned
   * meanwhile applies from the next read, at most one read's duration later).
   */
  private Optional<Company> readCompany(Company known) {
    var mine = new java.util.concurrent.CompletableFuture<Optional<Company>>();
    var shared = reading.putIfAbsent(known.id(), mine);
    if (shared != null) {
      try {
        return shared.join();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    try {
      Optional<Company> c = tenancy.company(known.region(), known.id());
      mine.complete(c);
      return c;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      reading.remove(known.id(), mine);
    }
  }

  /** Forgets one cached key (after its rotation in this process); other keys stay cached. */
  public void invalidate(Digest keyHmac) {
    cache.invalidate(keyHmac);
  }

  private static ApiException unauthorized(String detail) {
    return new ApiException(ErrorCode.UNAUTHORIZED, detail);
  }
}
