package io.hyrelog.server.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Token buckets (Bucket4j) per API key, per client IP, and for key management per company key,
 * each refilled in full every minute. Buckets live in this process: with N server processes
 * behind a balancer, each enforces the limit on the requests it sees.
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

  public RateLimits(Clock clock, int perKeyPerMin, int perIpPerMin, int keyManagementPerMin) {
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
  }

  public Decision key(String keyId) {
    return perKey.take(keyId);
  }

  public Decision ip(String ip) {
    return perIp.take(ip);
  }

  public Decision keyManagement(String keyId) {
    return keyManagement.take(keyId);
  }

  private final class Limiter {
    private final int perMinute;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
        .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(1_000_000).build();

    Limiter(int perMinute) {
      this.perMinute = perMinute;
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
