package io.hyrelog;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A CIDR block such as {@code 10.0.0.0/8}, {@code 127.0.0.1/32} or {@code ::1/128}, used in API
 * key IP allowlists. IPv4 and IPv6 blocks never match each other's addresses (an IPv4-mapped
 * IPv6 address is treated as the IPv4 address it maps, as {@link InetAddress} does).
 *
 * @param network the block's first address (host bits zero)
 * @param prefixLength the number of leading bits that must match
 */
public record IpRange(InetAddress network, int prefixLength) {

  /**
   * Validates the block.
   *
   * @param network the block's first address (host bits zero)
   * @param prefixLength the number of leading bits that must match
   * @throws IllegalArgumentException when the prefix length does not fit the address family or
   *     host bits are set
   */
  public IpRange {
    Objects.requireNonNull(network, "network");
    int bits = network.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException(
          "prefix length must be 0.." + bits + ", got " + prefixLength);
    }
    byte[] a = network.getAddress();
    if (!hostBitsZero(a, prefixLength)) {
      throw new IllegalArgumentException("a CIDR block's host bits must be zero: "
          + network.getHostAddress() + "/" + prefixLength);
    }
  }

  /**
   * Parses {@code address/prefix} or a single address (a /32 or /128 block). Only literal
   * addresses are accepted; no name is ever resolved.
   *
   * @param text the block's text
   * @return the block
   * @throws IllegalArgumentException saying what is wrong
   */
  public static IpRange parse(String text) {
    Objects.requireNonNull(text, "text");
    int slash = text.indexOf('/');
    String addr = slash < 0 ? text : text.substring(0, slash);
    InetAddress a = literal(addr);
    int bits = a.getAddress().length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String p = text.substring(slash + 1);
      if (!p.matches("[0-9]{1,3}")) {
        throw new IllegalArgumentException("not a CIDR prefix length: '" + p + "'");
      }
      prefix = Integer.parseInt(p);
    }
    return new IpRange(a, prefix);
  }

  /**
   * Parses a literal IPv4 or IPv6 address without any name lookup.
   *
   * @param text the address's text
   * @return the address
   * @throws IllegalArgumentException when {@code text} is not an address literal
   */
  public static InetAddress literal(String text) {
    Objects.requireNonNull(text, "text");
    // Syntax first, so InetAddress never resolves a name.
    if (!IpLiterals.isValid(text)) {
      throw new IllegalArgumentException("not an IP address literal: '" + clip(text) + "'");
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address literal: '" + clip(text) + "'");
    }
  }

  /**
   * Whether {@code address} lies in this block.
   *
   * @param address an address
   * @return true when it lies in the block (always false for the other address family)
   */
  public boolean contains(InetAddress address) {
    byte[] n = network.getAddress();
    byte[] a = address.getAddress();
    if (n.length != a.length) {
      return false;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (n[i] != a[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (n[full] & mask) == (a[full] & mask);
  }

  private static boolean hostBitsZero(byte[] a, int prefix) {
    for (int bit = prefix; bit < a.length * 8; bit++) {
      if ((a[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
        return false;
      }
    }
    return true;
  }

  private static String clip(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }

  /** The CIDR text, e.g. {@code 10.0.0.0/8} or {@code ::1/128} (IPv6 as RFC 5952). */
  @Override
  public String toString() {
    return format(network) + "/" + prefixLength;
  }

  /**
   * An address in its canonical text form: dotted IPv4, or IPv6 as RFC 5952 recommends.
   *
   * @param a the address
   * @return its text
   */
  public static String format(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length == 4) {
      return a.getHostAddress();
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append(i == 0 ? "::" : ":");
        i += bestLen - 1;
        continue;
      }
      out.append(Integer.toHexString(groups[i]));
      if (i < 7) {
        out.append(':');
      }
    }
    return out.toString();
  }
}
