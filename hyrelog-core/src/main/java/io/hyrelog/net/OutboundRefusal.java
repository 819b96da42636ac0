package io.hyrelog.net;

/**
 * Why {@link OutboundPolicy} refused a URL, a host or an address. The names are stable: the
 * example server answers them as the {@code code} of a {@code VALIDATION_ERROR} problem.
 */
public enum OutboundRefusal {
  /** Not an absolute, hierarchical URL with an authority, or its host cannot be parsed. */
  MALFORMED_URL,
  /** Longer than {@link OutboundPolicy#MAX_URL_LENGTH} characters. */
  URL_TOO_LONG,
  /** Not {@code https} (or {@code http} when private networks are allowed). */
  SCHEME_NOT_ALLOWED,
  /** The URL carries user information ({@code user:password@}); credentials are never sent. */
  CREDENTIALS_IN_URL,
  /** The URL has a fragment ({@code #...}), which is never sent and hides intent. */
  FRAGMENT_NOT_ALLOWED,
  /** The port is outside 1..65535 or empty. */
  PORT_NOT_ALLOWED,
  /**
   * The host names a local or special-use name ({@code localhost}, {@code *.local},
   * {@code *.internal}, a single label...) or spells an IPv4 address in an ambiguous way
   * (decimal, octal, hex, short or zero-padded forms).
   */
  HOST_NOT_ALLOWED,
  /** The host is, or resolves to, an address in a refused range (loopback, private...). */
  ADDRESS_NOT_ALLOWED,
  /** The host name has no address. */
  UNRESOLVABLE_HOST
}
