package io.hyrelog.server.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Token buckets (Bucket4j) per API key, per client address, for key management per company key
 * and for evidence exports per company key, each refilled in full every minute. Buckets live in
 * this process: with N server processes behind a balancer, each enforces the limit on the
 * requests it sees.
 *
 * <p>A client address is an IPv4 address or an IPv6 /64 ({@link #clientKey}): one IPv6
 * subscriber usually holds a whole /64, so a bucket per /128 would give it 2^64 buckets.
 *
 * <p>Each limiter keeps at most {@value #MAX_BUCKETS} buckets (Caffeine). A bucket idle for a
 * minute is dropped: it has refilled in full by then (the refill is intervally, every minute),
 * so dropping it gives nobody tokens they would not have had. Beyond the size bound Caffeine
 * evicts by frequency (W-TinyLFU): a new, rarely seen address is refused admission rather than
 * displacing a bucket in frequent use, so a client that is being limited — and so hits its
 * bucket constantly — keeps it, and spraying new addresses cannot flush it out. (Spraying
 * addresses gets a fresh bucket per address, as any per-address limit must; the per-key and
 * in-flight limits bound that.) Expiry runs on the same clock as the buckets.
 */
public final class RateLimits {
  /** A decision and the values of the {@code X-RateLimit-*} headers. */
  public record Decision(boolean allowed, long limit, long remaining, Instant reset,
      Duration retryAfter) {}

  private final Clock clock;
  private final TimeMeter meter;
  private final Limiter perKey;
  private final Limiter perIp;
  private final Limiter keyManagement;
  private final Limiter evidenceExports;
  private final Limiter evidence;
  static final int MAX_BUCKETS = 100_000;

  public RateLimits(Clock clock, int perKeyPerMin, int perIpPerMin, int keyManagementPerMin,
      int evidenceExportsPerMin) {
    this(clock, perKeyPerMin, perIpPerMin, keyManagementPerMin, evidenceExportsPerMin,
        perKeyPerMin);
  }

  /** With its own per-key limit of {@code /compliance/evidence/*}. */
  public RateLimits(Clock clock, int perKeyPerMin, int perIpPerMin, int keyManagementPerMin,
      int evidenceExportsPerMin, int evidencePerMin) {
    this.clock = clock;
    this.meter = new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        Instant t = clock.instant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
    this.perKey = new Limiter(perKeyPerMin);
    this.perIp = new Limiter(perIpPerMin);
    this.keyManagement = new Limiter(keyManagementPerMin);
    this.evidenceExports = new Limiter(evidenceExportsPerMin);
    this.evidence = new Limiter(evidencePerMin);
  }

  /**
   * The address a client is limited as: an IPv4 address as such, an IPv6 address by its /64
   * ({@code 2001:db8:1:2::/64}).
   */
  public static String clientKey(InetAddress a) {
    if (a instanceof Inet6Address) {
      byte[] b = a.getAddress();
      StringBuilder k = new StringBuilder();
      for (int i = 0; i < 8; i += 2) {
        k.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
      }
      return k.append(":/64").toString();
    }
    return a.getHostAddress();
  }

  public Decision key(String keyId) {
    return perKey.take(keyId);
  }

  /** The bucket of the client address {@link #clientKey} names. */
  public Decision ip(InetAddress client) {
    return perIp.take(clientKey(client));
  }

  public Decision keyManagement(String keyId) {
    return keyManagement.take(keyId);
  }

  /** One request of {@code /compliance/evidence/*} by the key (its own bucket). */
  public Decision evidence(String keyId) {
    return evidence.take(keyId);
  }

  public Decision evidenceExport(String keyId) {
    return evidenceExports.take(keyId);
  }

  private final class Limiter {
    private final int perMinute;
    private final Cache<String, Bucket> buckets;

    Limiter(int perMinute) {
      this.perMinute = perMinute;
      this.buckets = Caffeine.newBuilder().ticker(meter::currentTimeNanos)
          .expireAfterAccess(Duration.ofMinutes(1)).maximumSize(MAX_BUCKETS).build();
    }

    Decision take(String id) {
      Bucket b = buckets.get(id, k -> Bucket.builder()
          .addLimit(l -> l.capacity(perMinute).refillIntervally(perMinute, Duration.ofMinutes(1)))
          .withCustomTimePrecision(meter)
          .build());
      ConsumptionProbe p = b.tryConsumeAndReturnRemaining(1);
      Instant now = clock.instant();
      Instant reset = now.plusNanos(p.getNanosToWaitForReset());
      Duration retry = p.isConsumed() ? Duration.ZERO
          : Duration.ofNanos(p.getNanosToWaitForRefill());
      return new Decision(p.isConsumed(), perMinute, p.getRemainingTokens(), reset, retry);
    }
  }
}
