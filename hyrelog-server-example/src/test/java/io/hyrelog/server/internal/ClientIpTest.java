package io.hyrelog.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.IpRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientIpTest {
  private final ClientIp viaProxy = new ClientIp(List.of(IpRange.parse("10.0.0.0/8")));

  @Test
  void resolve_untrustedPeer_ignoresForwardedFor() {
    assertThat(new ClientIp(List.of()).resolve("192.0.2.1", "203.0.113.9").getHostAddress())
        .isEqualTo("192.0.2.1");
    assertThat(viaProxy.resolve("192.0.2.1", "203.0.113.9").getHostAddress())
        .isEqualTo("192.0.2.1");
  }

  @Test
  void resolve_trustedPeer_takesRightmostUntrustedHop() {
    // The client may prepend anything; only hops added by our proxies are believed.
    assertThat(viaProxy.resolve("10.0.0.5", "6.6.6.6, 203.0.113.9, 10.0.0.7").getHostAddress())
        .isEqualTo("203.0.113.9");
  }

  @Test
  void resolve_malformedHop_fallsBackToLastTrustedAddress() {
    assertThat(viaProxy.resolve("10.0.0.5", "evil.example, 10.0.0.8").getHostAddress())
        .isEqualTo("10.0.0.8");
  }

  @Test
  void resolve_ipv6Peer_parsed() {
    assertThat(new ClientIp(List.of()).resolve("[::1]", null).getHostAddress())
        .isEqualTo("0:0:0:0:0:0:0:1");
  }
}
