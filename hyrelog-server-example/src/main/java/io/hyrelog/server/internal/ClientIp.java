package io.hyrelog.server.internal;

import io.hyrelog.IpRange;
import java.net.InetAddress;
import java.util.List;

/**
 * The client address of a request: the socket's peer, or, only when that peer is a configured
 * trusted proxy, the right-most untrusted address of {@code X-Forwarded-For} (so a client cannot
 * choose its own address by sending the header itself).
 */
public final class ClientIp {
  private final List<IpRange> trustedProxies;

  public ClientIp(List<IpRange> trustedProxies) {
    this.trustedProxies = List.copyOf(trustedProxies);
  }

  public InetAddress resolve(String peer, String forwardedFor) {
    InetAddress addr = IpRange.literal(peer.startsWith("[") ? peer.substring(1,
        peer.length() - 1) : peer);
    if (forwardedFor == null || !trusted(addr)) {
      return addr;
    }
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      InetAddress hop;
      try {
        hop = IpRange.literal(hops[i].strip());
      } catch (IllegalArgumentException e) {
        return addr; // a malformed chain: trust only what we saw
      }
      if (!trusted(hop)) {
        return hop;
      }
      addr = hop;
    }
    return addr;
  }

  private boolean trusted(InetAddress a) {
    return trustedProxies.stream().anyMatch(r -> r.contains(a));
  }
}
