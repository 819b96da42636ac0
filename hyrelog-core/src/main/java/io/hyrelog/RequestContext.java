package io.hyrelog;

/**
 * The request an event came from. All components are optional and, unlike in the system HyreLog
 * was specified from, all are covered by the event hash. By default {@code ip} and
 * {@code userAgent} are personal data (salted commitments, erasable).
 *
 * @param traceId the caller's trace or correlation id
 * @param ip the client IP address as a literal (IPv4 or IPv6), never a host name
 * @param userAgent the client's user agent string
 */
public record RequestContext(String traceId, String ip, String userAgent) {
  /** Longest user agent {@link #userAgent(String)} keeps: the default text limit of events. */
  public static final int MAX_USER_AGENT = 1024;

  /**
   * A {@code User-Agent} header as a server captures it, so that a client's odd header never
   * gets the event it came with rejected: each control character (C0, DEL and C1, e.g. a TAB)
   * becomes a space, a lone surrogate becomes U+FFFD, leading and trailing spaces go, and what
   * is left is cut to {@value #MAX_USER_AGENT} characters (never inside a surrogate pair).
   *
   * @param header the header's value, or null
   * @return the normalized user agent, or null when the header is null or blank
   */
  public static String userAgent(String header) {
    if (header == null) {
      return null;
    }
    int n = Math.min(header.length(), MAX_USER_AGENT + 1);
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      char c = header.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        b.append(' ');
      } else if (Character.isHighSurrogate(c) && i + 1 < header.length()
          && Character.isLowSurrogate(header.charAt(i + 1))) {
        b.append(c).append(header.charAt(++i));
      } else {
        b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    int end = Math.min(b.length(), MAX_USER_AGENT);
    if (end < b.length() && Character.isLowSurrogate(b.charAt(end))) {
      end--;
    }
    String out = b.substring(0, end).strip();
    return out.isEmpty() ? null : out;
  }

  /**
   * Whether no component is present.
   *
   * @return true when trace id, IP and user agent are all null
   */
  public boolean isEmpty() {
    return traceId == null && ip == null && userAgent == null;
  }
}
