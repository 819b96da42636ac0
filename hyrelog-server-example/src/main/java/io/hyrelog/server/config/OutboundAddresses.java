package io.hyrelog.server.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The server's small guard against server-side request forgery for witness URLs: https only,
 * and no loopback, private, link-local (cloud metadata), carrier-grade NAT, unique-local,
 * multicast or unspecified address, unless private networks are allowed (tests, development).
 * {@link #requireAllowedUrl} checks a URL's form and a literal address when it is configured;
 * {@link #requirePublic} checks every address a host name resolves to before each request
 * (the HTTP client resolves again, so a DNS answer that changes between the two is not caught:
 * a fuller guard belongs to a shared outbound-request component). Stateless.
 */
public final class OutboundAddresses {
  private OutboundAddresses() {}

  /**
   * Checks a witness base URL's form.
   *
   * @return null when it is acceptable, else why not (never repeating the URL)
   */
  public static String problem(URI url, boolean allowPrivate) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(allowPrivate && scheme.equals("http"))) {
      return allowPrivate ? "the URL must be http or https"
          : "the URL must be https (http only with HYRELOG_WITNESS_ALLOW_PRIVATE_NETWORKS=true)";
    }
    if (url.getRawUserInfo() != null) {
      return "the URL must not hold credentials";
    }
    String host = url.getHost();
    if (host == null || host.isEmpty()) {
      return "the URL has no host";
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      return "the URL must not have a query or fragment";
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    if (!path.endsWith("/")) {
      return "the base URL must end with '/' (the endpoint is <base URL>add-checkpoint)";
    }
    if (!allowPrivate) {
      if (host.equalsIgnoreCase("localhost") || host.toLowerCase(Locale.ROOT)
          .endsWith(".localhost")) {
        return "the URL names a loopback host";
      }
      InetAddress literal = literal(host);
      if (literal != null && !isPublic(literal)) {
        return "the URL names a loopback, private, link-local or reserved address";
      }
    }
    return null;
  }

  /**
   * Resolves {@code host} and checks every address it has.
   *
   * @throws UnknownHostException when it does not resolve, or (unless private networks are
   *     allowed) one of its addresses is not public
   */
  public static void requirePublic(String host, boolean allowPrivate)
      throws UnknownHostException {
    InetAddress[] all = InetAddress.getAllByName(host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host);
    if (allowPrivate) {
      return;
    }
    for (InetAddress a : all) {
      if (!isPublic(a)) {
        throw new UnknownHostException("witness host resolves to a loopback, private,"
            + " link-local or reserved address, which is refused");
      }
    }
  }

  /** Whether {@code a} is a public unicast address. */
  static boolean isPublic(InetAddress a) {
    if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress()
        || a.isSiteLocalAddress() || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      boolean cgnat = first == 100 && second >= 64 && second < 128;
      boolean reserved = first == 0 || first >= 240 || (first == 192 && second == 0
          && (b[2] & 0xff) == 0) || (first == 198 && (second == 18 || second == 19));
      return !cgnat && !reserved;
    }
    if (a instanceof Inet6Address) {
      boolean uniqueLocal = (b[0] & 0xfe) == 0xfc;
      boolean mappedOrCompat = isZero(b, 0, 10) && ((b[10] & 0xff) == 0xff
          && (b[11] & 0xff) == 0xff || isZero(b, 10, 12));
      if (mappedOrCompat) {
        try {
          return isPublic(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
        } catch (UnknownHostException e) {
          return false;
        }
      }
      return !uniqueLocal;
    }
    return false;
  }

  private static boolean isZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** The address of an IP literal host ({@code 10.0.0.1}, {@code [::1]}), or null. */
  static InetAddress literal(String host) {
    boolean v6 = host.startsWith("[") && host.endsWith("]");
    boolean v4 = host.matches("[0-9.]+");
    if (!v6 && !v4) {
      return null;
    }
    try {
      // A literal never goes to DNS.
      return InetAddress.getByName(v6 ? host.substring(1, host.length() - 1) : host);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
