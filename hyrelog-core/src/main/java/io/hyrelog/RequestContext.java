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
  /** Whether no component is present. */
  public boolean isEmpty() {
    return traceId == null && ip == null && userAgent == null;
  }
}
