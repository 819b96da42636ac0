package io.hyrelog.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.IpRange;
import io.hyrelog.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Client addresses: IPv6 by /64; and a limited client's bucket is neither reset by a flood of
 * other addresses nor by idle expiry before it has refilled.
 */
class RateLimitsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T10:00:00Z"));

  @Test
  void clientKey_ipv6SameSlash64_oneBucket_otherSlash64_another() {
    RateLimits limits = new RateLimits(clock, 100, 2, 10, 2);
    assertThat(RateLimits.clientKey(IpRange.literal("2001:db8:1:2::1")))
        .isEqualTo("2001:db8:1:2::/64");
    assertThat(RateLimits.clientKey(IpRange.literal("203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(limits.ip(IpRange.literal("2001:db8:1:2::1")).allowed()).isTrue();
    assertThat(limits.ip(IpRange.literal("2001:db8:1:2:ffff:ffff:ffff:ffff")).allowed())
        .isTrue();
    assertThat(limits.ip(IpRange.literal("2001:db8:1:2:abcd::7")).allowed())
        .as("a third address of the same /64").isFalse();
    assertThat(limits.ip(IpRange.literal("2001:db8:1:3::1")).allowed()).isTrue();
  }

  @Test
  void ip_limitedClient_keepsItsBucket_whileManyNewAddressesArrive() {
    RateLimits limits = new RateLimits(clock, 100, 3, 10, 2);
    var attacker = IpRange.literal("198.51.100.7");
    for (int i = 0; i < 3; i++) {
      assertThat(limits.ip(attacker).allowed()).isTrue();
    }
    for (int i = 0; i < RateLimits.MAX_BUCKETS + 20_000; i++) {
      limits.ip(IpRange.literal("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "."
          + (i & 255)));
      if (i % 1000 == 0) {
        assertThat(limits.ip(attacker).allowed()).as("after %s other addresses", i).isFalse();
      }
    }
    assertThat(limits.ip(attacker).allowed()).isFalse();
  }

  @Test
  void ip_idleBucket_expiresOnlyOnceRefilled() {
    RateLimits limits = new RateLimits(clock, 100, 2, 10, 2);
    var client = IpRange.literal("198.51.100.8");
    limits.ip(client);
    limits.ip(client);
    clock.advance(Duration.ofSeconds(59));
    assertThat(limits.ip(client).allowed()).as("still within the minute").isFalse();
    clock.advance(Duration.ofSeconds(61));
    assertThat(limits.ip(client).allowed()).isTrue();
  }
}
