package io.hyrelog.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random addresses in refused ranges, written in every spelling the JDK (or some resolver)
 * accepts, are refused; random public addresses are allowed. The refused ranges are listed here
 * again, independently of {@code AddressRanges}, as the oracle.
 */
class OutboundPolicyPropertiesTest {
  private static final OutboundPolicy STRICT = OutboundPolicy.builder()
      .hostLookup(host -> {
        throw new AssertionError("no name may be resolved, asked for " + host);
      })
      .build();

  private static final String[] REFUSED_V4 = {"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10",
      "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
      "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
      "224.0.0.0/4", "240.0.0.0/4"};

  private static final String[] REFUSED_V6 = {"::1/128", "::/96", "fc00::/7", "fe80::/10",
      "fec0::/10", "ff00::/8", "2001::/32", "2001:db8::/32", "2001:2::/48", "100::/64",
      "64:ff9b:1::/48", "3fff::/20", "4000::/2", "c000::/3"};

  @Property(tries = 500, seed = "20260115")
  void refusedIpv4_everySpelling_refused(@ForAll("refusedV4") long address,
      @ForAll("v4Spelling") int spelling) throws Exception {
    String host = spellV4(address, spelling);
    assertThatThrownBy(() -> STRICT.checkUrl("https://" + host + "/hook"))
        .as(host).isInstanceOf(OutboundRefusedException.class);
    assertThatThrownBy(() -> STRICT.resolve(host))
        .as(host).isInstanceOf(OutboundRefusedException.class);
    if (spelling <= 1 || spelling == 4 || spelling == 5) {
      // Dotted, one number, a.b.c and a.b: literals to the JDK (it asks DNS for what it
      // cannot parse, so only these). Whatever it makes of them, a refused result stays refused.
      InetAddress parsed = InetAddress.getByName(host);
      if (toLong(parsed.getAddress()) == address) {
        assertThatThrownBy(() -> STRICT.checkAddress(parsed))
            .as(host).isInstanceOf(OutboundRefusedException.class);
      }
    }
  }

  @Property(tries = 500, seed = "20260115")
  void refusedIpv4_embeddedInIpv6_refused(@ForAll("refusedV4") long address,
      @ForAll("v6Embedding") int form, @ForAll boolean upper) throws Exception {
    String literal = embedV4(address, form);
    String spelled = upper ? literal.toUpperCase(Locale.ROOT) : literal;
    assertThatThrownBy(() -> STRICT.checkUrl("https://[" + spelled + "]/"))
        .as(spelled).isInstanceOf(OutboundRefusedException.class);
    InetAddress parsed = InetAddress.getByName(spelled); // contains ':': a literal
    assertThatThrownBy(() -> STRICT.checkAddress(parsed))
        .as(spelled).isInstanceOf(OutboundRefusedException.class);
  }

  @Property(tries = 500, seed = "20260115")
  void refusedIpv6_everySpelling_refused(@ForAll("refusedV6") byte[] address,
      @ForAll("v6Spelling") int spelling) throws Exception {
    String literal = spellV6(address, spelling);
    assertThatThrownBy(() -> STRICT.checkUrl("https://[" + literal + "]:8443/"))
        .as(literal).isInstanceOf(OutboundRefusedException.class);
    assertThatThrownBy(() -> STRICT.resolve(literal))
        .as(literal).isInstanceOf(OutboundRefusedException.class);
    InetAddress parsed = InetAddress.getByName(literal);
    assertThatThrownBy(() -> STRICT.checkAddress(parsed))
        .as(literal).isInstanceOf(OutboundRefusedException.class);
    assertThatThrownBy(() -> STRICT.checkAddress(Inet6Address.getByAddress(null, address, -1)))
        .as(literal).isInstanceOf(OutboundRefusedException.class);
  }

  @Property(tries = 500, seed = "20260115")
  void publicIpv4_dottedOrEmbedded_allowed(@ForAll("publicV4") long address,
      @ForAll("v6Embedding") int form) throws Exception {
    String dotted = spellV4(address, 0);
    assertThat(STRICT.checkUrl("https://" + dotted + "/").getHost()).isEqualTo(dotted);
    STRICT.checkAddress(InetAddress.getByName(dotted));
    if (form != 2) { // 2 is the IPv4-compatible form, refused whatever it embeds
      String v6 = embedV4(address, form);
      STRICT.checkUrl("https://[" + v6 + "]/");
      STRICT.checkAddress(InetAddress.getByName(v6));
    }
  }

  @Provide
  Arbitrary<Long> refusedV4() {
    return Arbitraries.of(REFUSED_V4).flatMap(cidr -> {
      String[] parts = cidr.split("/");
      long base = toLong(v4Bytes(parts[0]));
      int bits = Integer.parseInt(parts[1]);
      return Arbitraries.longs().between(0, (1L << (32 - bits)) - 1).map(host -> base | host);
    });
  }

  @Provide
  Arbitrary<Long> publicV4() {
    return Arbitraries.longs().between(0, 0xffffffffL).filter(a -> {
      for (String cidr : REFUSED_V4) {
        String[] parts = cidr.split("/");
        int bits = Integer.parseInt(parts[1]);
        long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
        if ((a & mask) == toLong(v4Bytes(parts[0]))) {
          return false;
        }
      }
      return true;
    });
  }

  @Provide
  Arbitrary<byte[]> refusedV6() {
    return Arbitraries.of(REFUSED_V6).flatMap(cidr -> {
      String[] parts = cidr.split("/");
      byte[] base;
      try {
        base = Inet6Address.getByName(parts[0]).getAddress();
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
      int bits = Integer.parseInt(parts[1]);
      return Arbitraries.bytes().array(byte[].class).ofSize(16).map(random -> {
        byte[] out = base.clone();
        for (int bit = bits; bit < 128; bit++) {
          int mask = 0x80 >>> (bit % 8);
          out[bit / 8] = (byte) ((out[bit / 8] & ~mask) | (random[bit / 8] & mask));
        }
        return out;
      });
    });
  }

  @Provide
  Arbitrary<Integer> v4Spelling() {
    return Arbitraries.integers().between(0, 8);
  }

  @Provide
  Arbitrary<Integer> v6Embedding() {
    return Arbitraries.integers().between(0, 6);
  }

  @Provide
  Arbitrary<Integer> v6Spelling() {
    return Arbitraries.integers().between(0, 4);
  }

  /** IPv4 as dotted, decimal, hex, octal, short forms and zero-padded. */
  static String spellV4(long a, int spelling) {
    int b0 = (int) (a >>> 24) & 0xff;
    int b1 = (int) (a >>> 16) & 0xff;
    int b2 = (int) (a >>> 8) & 0xff;
    int b3 = (int) a & 0xff;
    return switch (spelling) {
      case 0 -> b0 + "." + b1 + "." + b2 + "." + b3;
      case 1 -> Long.toString(a);
      case 2 -> "0x" + Long.toHexString(a);
      case 3 -> "0" + Integer.toOctalString(b0) + ".0" + Integer.toOctalString(b1) + ".0"
          + Integer.toOctalString(b2) + ".0" + Integer.toOctalString(b3);
      case 4 -> b0 + "." + b1 + "." + ((b2 << 8) | b3);
      case 5 -> b0 + "." + ((b1 << 16) | (b2 << 8) | b3);
      case 6 -> String.format("%03d.%03d.%03d.%03d", b0, b1, b2, b3) + (b0 >= 100 && b1 >= 100
          && b2 >= 100 && b3 >= 100 ? ".0" : ""); // always padded or too long
      case 7 -> "0x" + Integer.toHexString(b0) + ".0x" + Integer.toHexString(b1) + ".0x"
          + Integer.toHexString(b2) + ".0x" + Integer.toHexString(b3);
      default -> b0 + "." + b1 + "." + b2 + ".0" + b3;
    };
  }

  /** IPv6 forms that carry an IPv4 address: mapped (dotted, hex), NAT64, 6to4, compatible. */
  static String embedV4(long a, int form) {
    String dotted = spellV4(a, 0);
    String hi = Long.toHexString((a >>> 16) & 0xffff);
    String lo = Long.toHexString(a & 0xffff);
    return switch (form) {
      case 0 -> "::ffff:" + dotted;
      case 1 -> "::ffff:" + hi + ":" + lo;
      case 2 -> "::" + dotted;
      case 3 -> "64:ff9b::" + dotted;
      case 4 -> "64:ff9b::" + hi + ":" + lo;
      case 5 -> "2002:" + hi + ":" + lo + "::1";
      default -> "0:0:0:0:0:ffff:" + dotted;
    };
  }

  /** IPv6 full, zero-padded, compressed, with a dotted tail, or upper case. */
  static String spellV6(byte[] b, int spelling) {
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < 16; i += 2) {
      groups.add(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff)));
    }
    return switch (spelling) {
      case 0 -> String.join(":", groups);
      case 1 -> String.join(":", groups.stream().map(g -> "0".repeat(4 - g.length()) + g)
          .toList());
      case 2 -> compress(groups);
      case 3 -> String.join(":", groups.subList(0, 6)) + ":" + (b[12] & 0xff) + "."
          + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
      default -> compress(groups).toUpperCase(Locale.ROOT);
    };
  }

  private static String compress(List<String> groups) {
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; i++) {
      int j = i;
      while (j < 8 && groups.get(j).equals("0")) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
    }
    if (bestLen < 2) {
      return String.join(":", groups);
    }
    return String.join(":", groups.subList(0, bestStart)) + "::"
        + String.join(":", groups.subList(bestStart + bestLen, 8));
  }

  private static byte[] v4Bytes(String dotted) {
    String[] p = dotted.split("\\.");
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      out[i] = (byte) Integer.parseInt(p[i]);
    }
    return out;
  }

  private static long toLong(byte[] b) {
    return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8)
        | (b[3] & 0xffL);
  }
}
