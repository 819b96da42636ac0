package io.hyrelog.net;

import io.hyrelog.IpRange;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Which ranges an outbound request may not reach. IPv4 lists every special-purpose block of the
 * IANA registry that is not globally reachable unicast; IPv6 allows only global unicast
 * (2000::/3) less its special blocks, and judges an IPv6 form that embeds an IPv4 address
 * (IPv4-mapped, NAT64 64:ff9b::/96, 6to4) by the IPv4 address it carries.
 */
final class AddressRanges {
  /** How a range is treated. */
  enum Kind {
    /** Globally reachable: always allowed. */
    PUBLIC,
    /** Loopback and private networks: allowed only when private networks are allowed. */
    PRIVATE,
    /** Never a valid target (metadata, multicast, documentation...): always refused. */
    SPECIAL
  }

  /** A verdict: the kind and, unless public, the range that decided it. */
  record Verdict(Kind kind, String range) {}

  private record Block(IpRange range, Kind kind, String name) {}

  private static final Verdict PUBLIC = new Verdict(Kind.PUBLIC, "");

  private static final List<Block> IPV4 = List.of(
      block("0.0.0.0/8", Kind.SPECIAL, "\"this network\" and unspecified"),
      block("10.0.0.0/8", Kind.PRIVATE, "private (RFC 1918)"),
      block("100.64.0.0/10", Kind.PRIVATE, "shared address space, CGNAT (RFC 6598)"),
      block("127.0.0.0/8", Kind.PRIVATE, "loopback"),
      block("169.254.0.0/16", Kind.SPECIAL, "link-local, cloud metadata (RFC 3927)"),
      block("172.16.0.0/12", Kind.PRIVATE, "private (RFC 1918)"),
      block("192.0.0.0/24", Kind.SPECIAL, "IETF protocol assignments (RFC 6890)"),
      block("192.0.2.0/24", Kind.SPECIAL, "documentation TEST-NET-1 (RFC 5737)"),
      block("192.88.99.0/24", Kind.SPECIAL, "6to4 relay anycast (RFC 7526)"),
      block("192.168.0.0/16", Kind.PRIVATE, "private (RFC 1918)"),
      block("198.18.0.0/15", Kind.SPECIAL, "benchmarking (RFC 2544)"),
      block("198.51.100.0/24", Kind.SPECIAL, "documentation TEST-NET-2 (RFC 5737)"),
      block("203.0.113.0/24", Kind.SPECIAL, "documentation TEST-NET-3 (RFC 5737)"),
      block("224.0.0.0/4", Kind.SPECIAL, "multicast"),
      block("255.255.255.255/32", Kind.SPECIAL, "limited broadcast"),
      block("240.0.0.0/4", Kind.SPECIAL, "reserved (RFC 1112)"));

  private static final List<Block> IPV6 = List.of(
      block("::/128", Kind.SPECIAL, "unspecified"),
      block("::1/128", Kind.PRIVATE, "loopback"),
      block("::/96", Kind.SPECIAL, "IPv4-compatible (deprecated, RFC 4291)"),
      block("::ffff:0:0:0/96", Kind.SPECIAL, "IPv4-translated (RFC 2765)"),
      block("64:ff9b:1::/48", Kind.PRIVATE, "local-use NAT64 (RFC 8215)"),
      block("100::/64", Kind.SPECIAL, "discard-only (RFC 6666)"),
      block("2001::/32", Kind.SPECIAL, "Teredo (RFC 4380)"),
      block("2001:2::/48", Kind.SPECIAL, "benchmarking (RFC 5180)"),
      block("2001:10::/28", Kind.SPECIAL, "ORCHID (RFC 4843)"),
      block("2001:20::/28", Kind.SPECIAL, "ORCHIDv2 (RFC 7343)"),
      block("2001:db8::/32", Kind.SPECIAL, "documentation (RFC 3849)"),
      block("3fff::/20", Kind.SPECIAL, "documentation (RFC 9637)"),
      block("fd00:ec2::254/128", Kind.SPECIAL, "cloud metadata (AWS)"),
      block("fc00::/7", Kind.PRIVATE, "unique local (RFC 4193)"),
      block("fe80::/10", Kind.SPECIAL, "link-local (RFC 4291)"),
      block("fec0::/10", Kind.PRIVATE, "site-local (deprecated, RFC 3879)"),
      block("ff00::/8", Kind.SPECIAL, "multicast"));

  private static final IpRange GLOBAL_UNICAST = v6("2000::/3");

  private AddressRanges() {}

  /**
   * Classifies an address.
   *
   * @param address any IPv4 or IPv6 address
   * @return the verdict
   */
  static Verdict classify(InetAddress address) {
    byte[] b = address.getAddress();
    return b.length == 4 ? classifyV4(b) : classifyV6(b);
  }

  private static Verdict classifyV4(byte[] b) {
    InetAddress a = v4(b, 0);
    for (Block block : IPV4) {
      if (block.range().contains(a)) {
        return new Verdict(block.kind(), block.range() + " " + block.name());
      }
    }
    return PUBLIC;
  }

  private static Verdict classifyV6(byte[] b) {
    if (isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return embedded("IPv4-mapped ::ffff:0:0/96", b, 12);
    }
    if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff
        && (b[3] & 0xff) == 0x9b && isZero(b, 4, 12)) {
      return embedded("NAT64 64:ff9b::/96", b, 12);
    }
    if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
      return embedded("6to4 2002::/16", b, 2);
    }
    InetAddress a = v6(b);
    for (Block block : IPV6) {
      if (block.range().contains(a)) {
        return new Verdict(block.kind(), block.range() + " " + block.name());
      }
    }
    if (!GLOBAL_UNICAST.contains(a)) {
      return new Verdict(Kind.SPECIAL, "outside global unicast 2000::/3");
    }
    return PUBLIC;
  }

  /** An IPv6 form that carries an IPv4 address is what that IPv4 address is. */
  private static Verdict embedded(String form, byte[] b, int at) {
    Verdict inner = classifyV4(new byte[] {b[at], b[at + 1], b[at + 2], b[at + 3]});
    if (inner.kind() == Kind.PUBLIC) {
      return PUBLIC;
    }
    return new Verdict(inner.kind(), form + " embedding " + v4(b, at).getHostAddress() + " in "
        + inner.range());
  }

  private static boolean isZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static InetAddress v4(byte[] b, int at) {
    try {
      return InetAddress.getByAddress(new byte[] {b[at], b[at + 1], b[at + 2], b[at + 3]});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }

  /** An Inet6Address even for a mapped address (InetAddress.getByAddress would unwrap it). */
  private static InetAddress v6(byte[] b) {
    try {
      return Inet6Address.getByAddress(null, b, -1);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // sixteen bytes are always an address
    }
  }

  private static Block block(String cidr, Kind kind, String name) {
    return new Block(cidr.indexOf(':') >= 0 ? v6(cidr) : IpRange.parse(cidr), kind, name);
  }

  /** Parses an IPv6 block without letting the JDK turn ::ffff:0:0:0 forms into IPv4. */
  private static IpRange v6(String cidr) {
    int slash = cidr.indexOf('/');
    byte[] network = IpRange.literal(cidr.substring(0, slash)).getAddress();
    if (network.length == 4) {
      throw new IllegalStateException("an IPv6 block that the JDK reads as IPv4: " + cidr);
    }
    return new IpRange(v6(network), Integer.parseInt(cidr.substring(slash + 1)));
  }
}
