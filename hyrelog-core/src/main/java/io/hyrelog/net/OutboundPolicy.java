package io.hyrelog.net;

import io.hyrelog.IpRange;
import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Decides which URLs and addresses a request chosen by a tenant (a webhook endpoint) may reach,
 * so that the server cannot be turned against its own network (SSRF). Immutable and
 * thread-safe; it never sends anything.
 *
 * <p>Three checks, applied in this order by a transport: {@link #checkUrl(URI)} (syntax, when an
 * endpoint is registered and before every request), {@link #resolve(String)} (the addresses
 * the connection may use: every one checked, and the connection uses exactly those) and {@link
 * #checkAddress(InetAddress)} (the address a socket actually connects to).
 *
 * <p>By default only {@code https} to globally reachable addresses is allowed. With {@link
 * Builder#allowPrivateNetworks(boolean)} (development and tests) {@code http}, loopback, private
 * networks (RFC 1918, unique local, CGNAT, local-use NAT64, site-local) and local names
 * ({@code localhost}, single labels) are allowed too; link-local and cloud metadata addresses,
 * multicast, broadcast, reserved, documentation and benchmarking ranges and ambiguous IPv4
 * spellings stay refused. {@code docs/security.md} lists every range.
 */
public final class OutboundPolicy {
  /** The longest URL accepted, in characters. */
  public static final int MAX_URL_LENGTH = 2048;

  private static final int MAX_HOST_LENGTH = 253;
  private static final int MAX_LABEL_LENGTH = 63;

  /** Names that never lead to the public internet (RFC 6761, 6762, 7686, 8375, 9476 ...). */
  private static final Set<String> LOCAL_SUFFIXES = Set.of("localhost", "local", "internal",
      "localdomain", "lan", "home", "corp", "intranet", "private", "test", "invalid", "example",
      "onion", "arpa", "alt");

  private static final OutboundPolicy STRICT = new Builder().build();

  private final boolean allowPrivateNetworks;
  private final HostLookup hostLookup;

  private OutboundPolicy(Builder b) {
    this.allowPrivateNetworks = b.allowPrivateNetworks;
    this.hostLookup = b.hostLookup;
  }

  /**
   * The default policy: {@code https} to globally reachable addresses only, the JDK's resolver.
   *
   * @return the policy
   */
  public static OutboundPolicy strict() {
    return STRICT;
  }

  /**
   * A builder starting from {@link #strict()}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether {@code http}, loopback and private networks are allowed.
   *
   * @return the flag
   */
  public boolean allowPrivateNetworks() {
    return allowPrivateNetworks;
  }

  /**
   * Parses and checks a URL given as text.
   *
   * @param url the URL
   * @return the URL as {@link #checkUrl(URI)} returns it
   * @throws OutboundRefusedException when the URL is refused
   */
  public URI checkUrl(String url) {
    Objects.requireNonNull(url, "url");
    if (url.length() > MAX_URL_LENGTH) {
      throw refuse(OutboundRefusal.URL_TOO_LONG, "the URL has " + url.length()
          + " characters, more than " + MAX_URL_LENGTH);
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw refuse(OutboundRefusal.MALFORMED_URL, "not a URL: " + e.getReason()
          + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
    }
    return checkUrl(uri);
  }

  /**
   * Checks a URL's syntax and, when its host is an address literal, the address. A host name
   * is not resolved here: {@link #resolve(String)} does that at each request.
   *
   * <p>Refused: other schemes than {@code https} ({@code http} too with private networks
   * allowed); user information; a fragment; no host; a port outside 1..65535; more than {@value
   * #MAX_URL_LENGTH} characters; a host that is not a valid DNS name or bracketed IPv6 literal
   * (percent-encoded, zone ids, empty labels, a trailing dot); IPv4 in any spelling but four
   * plain decimal parts without leading zeros (no {@code 2130706433}, {@code 0177.0.0.1},
   * {@code 0x7f.1}, {@code 127.1}), rather than guessing what some resolver would make of it;
   * unless private networks are allowed, {@code localhost}, single-label names and names under
   * local or special-use suffixes ({@code .local}, {@code .internal}, {@code .localhost},
   * {@code .test}, {@code .arpa}...); an address literal that {@link #checkAddress} refuses.
   *
   * @param url an absolute URL
   * @return the same URL with its scheme and host in lower-case ASCII (an internationalized
   *     host in its {@code xn--} form)
   * @throws OutboundRefusedException when the URL is refused
   */
  public URI checkUrl(URI url) {
    Objects.requireNonNull(url, "url");
    String text = url.toString();
    if (text.length() > MAX_URL_LENGTH) {
      throw refuse(OutboundRefusal.URL_TOO_LONG, "the URL has " + text.length()
          + " characters, more than " + MAX_URL_LENGTH);
    }
    if (!url.isAbsolute()) {
      throw refuse(OutboundRefusal.MALFORMED_URL,
          "not an absolute URL with a host (scheme://host/...)");
    }
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(allowPrivateNetworks && scheme.equals("http"))) {
      throw refuse(OutboundRefusal.SCHEME_NOT_ALLOWED, "scheme '" + clip(scheme)
          + "' is not allowed: " + (allowPrivateNetworks ? "https or http only" : "https only"
          + " (http needs private networks allowed)"));
    }
    if (url.isOpaque() || url.getRawAuthority() == null) {
      throw refuse(OutboundRefusal.MALFORMED_URL,
          "not an absolute URL with a host (scheme://host/...)");
    }
    if (url.getRawFragment() != null) {
      throw refuse(OutboundRefusal.FRAGMENT_NOT_ALLOWED, "the URL has a fragment ('#...')");
    }
    String authority = url.getRawAuthority();
    if (authority.indexOf('@') >= 0) {
      throw refuse(OutboundRefusal.CREDENTIALS_IN_URL,
          "the URL has user information ('...@'); credentials are never sent");
    }
    String hostPart;
    String portPart = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        throw refuse(OutboundRefusal.MALFORMED_URL, "an IPv6 host without its closing ']'");
      }
      hostPart = authority.substring(0, close + 1);
      String rest = authority.substring(close + 1);
      if (!rest.isEmpty()) {
        if (rest.charAt(0) != ':') {
          throw refuse(OutboundRefusal.MALFORMED_URL, "text after the IPv6 host");
        }
        portPart = rest.substring(1);
      }
    } else {
      int colon = authority.indexOf(':');
      hostPart = colon < 0 ? authority : authority.substring(0, colon);
      portPart = colon < 0 ? null : authority.substring(colon + 1);
    }
    int port = -1;
    if (portPart != null) {
      if (!portPart.matches("[0-9]{1,5}") || Integer.parseInt(portPart) < 1
          || Integer.parseInt(portPart) > 65535) {
        throw refuse(OutboundRefusal.PORT_NOT_ALLOWED,
            "port '" + clip(portPart) + "' is not 1..65535");
      }
      port = Integer.parseInt(portPart);
    }
    String host = checkHost(hostPart);
    String normalized = scheme + "://" + host + (port < 0 ? "" : ":" + port)
        + nullToEmpty(url.getRawPath())
        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    try {
      return new URI(normalized);
    } catch (URISyntaxException e) {
      throw refuse(OutboundRefusal.MALFORMED_URL, "not a URL after normalization: "
          + e.getReason());
    }
  }

  /**
   * Checks a host as {@link #checkUrl(URI)} does (bracketed IPv6 literals included) without
   * resolving it.
   *
   * @param host the host of a URL
   * @return the host in lower-case ASCII
   * @throws OutboundRefusedException when the host is refused
   */
  public String checkHost(String host) {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw refuse(OutboundRefusal.MALFORMED_URL, "the URL has no host");
    }
    if (host.startsWith("[")) {
      if (!host.endsWith("]")) {
        throw refuse(OutboundRefusal.MALFORMED_URL, "an IPv6 host without its closing ']'");
      }
      String literal = host.substring(1, host.length() - 1);
      if (literal.indexOf(':') < 0) {
        throw refuse(OutboundRefusal.MALFORMED_URL, "not an IPv6 literal in brackets");
      }
      checkAddress(literalOrRefuse(literal));
      return "[" + literal.toLowerCase(Locale.ROOT) + "]";
    }
    if (host.indexOf('%') >= 0 || host.indexOf(':') >= 0) {
      throw refuse(OutboundRefusal.MALFORMED_URL, "host '" + clip(host)
          + "' is percent-encoded or holds a ':'; write the name or address plainly");
    }
    String ascii;
    try {
      ascii = IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw refuse(OutboundRefusal.MALFORMED_URL, "host '" + clip(host)
          + "' is not a valid (internationalized) domain name");
    }
    if (ascii.isEmpty() || ascii.length() > MAX_HOST_LENGTH) {
      throw refuse(OutboundRefusal.MALFORMED_URL, "a host name has 1.." + MAX_HOST_LENGTH
          + " characters, got " + ascii.length());
    }
    if (ascii.endsWith(".")) {
      throw refuse(OutboundRefusal.HOST_NOT_ALLOWED, "host '" + clip(ascii)
          + "' ends with a dot; write it without");
    }
    String[] labels = ascii.split("\\.", -1);
    for (String label : labels) {
      if (label.isEmpty() || label.length() > MAX_LABEL_LENGTH) {
        throw refuse(OutboundRefusal.MALFORMED_URL, "host '" + clip(ascii)
            + "' has a label of " + label.length() + " characters (1.." + MAX_LABEL_LENGTH
            + ")");
      }
    }
    String last = labels[labels.length - 1];
    if (looksNumeric(last)) {
      // The WHATWG URL standard reads such a host as IPv4; resolvers differ in how. Only the
      // one unambiguous spelling is accepted.
      InetAddress a;
      try {
        a = IpRange.literal(ascii);
      } catch (IllegalArgumentException e) {
        throw refuse(OutboundRefusal.HOST_NOT_ALLOWED, "host '" + clip(ascii)
            + "' spells an IPv4 address ambiguously (decimal, octal, hex, short or"
            + " zero-padded); write four decimal parts such as 203.0.113.7");
      }
      if (a.getAddress().length != 4) {
        throw refuse(OutboundRefusal.HOST_NOT_ALLOWED, "host '" + clip(ascii)
            + "' is not an IPv4 address");
      }
      checkAddress(a);
      return ascii;
    }
    for (String label : labels) {
      if (label.startsWith("-") || label.endsWith("-")) {
        throw refuse(OutboundRefusal.MALFORMED_URL, "host '" + clip(ascii)
            + "' has a label starting or ending with '-'");
      }
    }
    if (!allowPrivateNetworks) {
      if (labels.length == 1) {
        throw refuse(OutboundRefusal.HOST_NOT_ALLOWED, "host '" + clip(ascii)
            + "' is a single label (a local name); use a fully qualified public name");
      }
      if (LOCAL_SUFFIXES.contains(last) || ascii.endsWith(".home.arpa")) {
        throw refuse(OutboundRefusal.HOST_NOT_ALLOWED, "host '" + clip(ascii)
            + "' is under '." + last + "', a local or special-use name");
      }
    }
    return ascii;
  }

  /**
   * Checks one address: refuses loopback, unspecified, private (RFC 1918, unique local
   * fc00::/7), link-local (169.254.0.0/16 with the cloud metadata address 169.254.169.254,
   * fe80::/10, fd00:ec2::254), CGNAT 100.64.0.0/10, multicast, broadcast, reserved 240.0.0.0/4,
   * 0.0.0.0/8, benchmarking, documentation (TEST-NETs, 2001:db8::/32, 3fff::/20), Teredo,
   * IPv4-compatible, and IPv6 outside global unicast 2000::/3; IPv4-mapped, NAT64 64:ff9b::/96
   * and 6to4 2002::/16 addresses are judged by the IPv4 address they embed. With private
   * networks allowed, loopback and private ranges pass; the rest stay refused.
   *
   * @param address the address
   * @throws OutboundRefusedException ({@link OutboundRefusal#ADDRESS_NOT_ALLOWED}) when refused
   */
  public void checkAddress(InetAddress address) {
    Objects.requireNonNull(address, "address");
    AddressRanges.Verdict v = AddressRanges.classify(address);
    if (v.kind() == AddressRanges.Kind.PUBLIC
        || (v.kind() == AddressRanges.Kind.PRIVATE && allowPrivateNetworks)) {
      return;
    }
    throw refuse(OutboundRefusal.ADDRESS_NOT_ALLOWED, "address " + IpRange.format(address)
        + " is in " + v.range() + (v.kind() == AddressRanges.Kind.PRIVATE
        ? " (allowed only with private networks allowed)" : ""));
  }

  /**
   * The addresses a request to {@code host} may connect to: the host is checked as {@link
   * #checkHost(String)} does, then resolved, and every address is checked. When ANY address is
   * refused the whole host is refused, not just that address: an attacker controls all the
   * A/AAAA records of their name, and a client that skipped the bad ones would still be aimed
   * at a mix that one resolver ordering or failover could turn into the private one (DNS
   * rebinding across records). The caller MUST connect only to the returned addresses and not
   * resolve the name again (pinning).
   *
   * @param host a host name or address literal (IPv6 with or without brackets)
   * @return the checked addresses, in the resolver's order, at least one
   * @throws OutboundRefusedException when the host is refused ({@link
   *     OutboundRefusal#UNRESOLVABLE_HOST} when it has no address)
   */
  public List<InetAddress> resolve(String host) {
    Objects.requireNonNull(host, "host");
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    String ascii = checkHost(host);
    if (ascii.startsWith("[")) {
      return List.of(literalOrRefuse(ascii.substring(1, ascii.length() - 1)));
    }
    if (looksNumeric(lastLabel(ascii))) {
      return List.of(IpRange.literal(ascii)); // checkHost accepted it as a plain IPv4 literal
    }
    List<InetAddress> found;
    try {
      found = hostLookup.lookup(ascii);
    } catch (UnknownHostException e) {
      throw new OutboundRefusedException(OutboundRefusal.UNRESOLVABLE_HOST,
          "host '" + clip(ascii) + "' does not resolve", e);
    }
    if (found == null || found.isEmpty()) {
      throw refuse(OutboundRefusal.UNRESOLVABLE_HOST, "host '" + clip(ascii)
          + "' has no address");
    }
    List<InetAddress> checked = new ArrayList<>(found.size());
    int refused = 0;
    OutboundRefusedException first = null;
    for (InetAddress a : found) {
      try {
        checkAddress(a);
        checked.add(a);
      } catch (OutboundRefusedException e) {
        refused++;
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw refuse(OutboundRefusal.ADDRESS_NOT_ALLOWED, "host '" + clip(ascii) + "' resolves to "
          + refused + " refused of " + found.size() + " addresses; first: " + first.getMessage());
    }
    return List.copyOf(checked);
  }

  private static InetAddress literalOrRefuse(String literal) {
    try {
      return IpRange.literal(literal);
    } catch (IllegalArgumentException e) {
      throw refuse(OutboundRefusal.MALFORMED_URL, "'" + clip(literal)
          + "' is not an IPv6 address literal (zone ids are not allowed)");
    }
  }

  private static String lastLabel(String ascii) {
    return ascii.substring(ascii.lastIndexOf('.') + 1);
  }

  /** A label of digits only, or 0x plus hex digits: the WHATWG "ends in a number" rule. */
  private static boolean looksNumeric(String label) {
    String digits = label;
    int radix = 10;
    if (label.startsWith("0x")) {
      digits = label.substring(2);
      radix = 16;
      if (digits.isEmpty()) {
        return true;
      }
    }
    if (digits.isEmpty()) {
      return false;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (Character.digit(digits.charAt(i), radix) < 0) {
        return false;
      }
    }
    return true;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String clip(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "…";
  }

  private static OutboundRefusedException refuse(OutboundRefusal refusal, String message) {
    return new OutboundRefusedException(refusal, message);
  }

  @Override
  public String toString() {
    return "OutboundPolicy[allowPrivateNetworks=" + allowPrivateNetworks + "]";
  }

  /** Builds an {@link OutboundPolicy}; not thread-safe. */
  public static final class Builder {
    private boolean allowPrivateNetworks;
    private HostLookup hostLookup = HostLookup.SYSTEM;

    private Builder() {}

    /**
     * Allows {@code http}, loopback, private networks and local names (for development and
     * tests; {@code HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS} in the example server). Default
     * false.
     *
     * @param allow whether to allow them
     * @return this builder
     */
    public Builder allowPrivateNetworks(boolean allow) {
      this.allowPrivateNetworks = allow;
      return this;
    }

    /**
     * The resolver {@link OutboundPolicy#resolve(String)} asks. Default {@link
     * HostLookup#SYSTEM}.
     *
     * @param lookup the resolver
     * @return this builder
     * @throws NullPointerException when {@code lookup} is null
     */
    public Builder hostLookup(HostLookup lookup) {
      this.hostLookup = Objects.requireNonNull(lookup, "hostLookup");
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     */
    public OutboundPolicy build() {
      return new OutboundPolicy(this);
    }
  }
}
