package io.hyrelog.server.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * How many requests may hold a worker thread at once: at most {@code total} overall, {@code
 * perIp} per client address and {@code perKey} per API key. A request over a limit is refused
 * at once (it never waits), before its body is read: over the total with 503 (the server is
 * busy), over its own address's or key's share with 429 CONCURRENCY_LIMITED. Threads beyond
 * the total stay free for {@code /internal/*}, which is never counted, and for refusals. So
 * however many slow requests one client or tenant opens, it holds at most its share of the
 * threads. Thread-safe.
 */
public final class Admission {
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final Semaphore total;
  private final int totalPermits;
  private final int perIp;
  private final int perKey;
  private final InFlightCounts<String> byIp = new InFlightCounts<>();
  private final InFlightCounts<String> byKey = new InFlightCounts<>();

  public Admission(int total, int perIp, int perKey) {
    this.total = new Semaphore(total);
    this.totalPermits = total;
    this.perIp = perIp;
    this.perKey = perKey;
  }

  /** One admitted request's permits; close it once, when the request ends. */
  public final class Ticket implements AutoCloseable {
    private final String ip;
    private String key;
    private boolean closed;

    private Ticket(String ip) {
      this.ip = ip;
    }

    /**
     * Counts the request against its key too.
     *
     * @throws ApiException 429 CONCURRENCY_LIMITED when the key has its limit in flight
     */
    public synchronized void key(String keyId) {
      if (key != null || closed) {
        return;
      }
      if (!byKey.tryAcquire(keyId, perKey)) {
        throw limited(perKey + " requests of this API key are already in progress");
      }
      key = keyId;
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      byIp.release(ip);
      if (key != null) {
        byKey.release(key);
      }
      total.release();
    }
  }

  /**
   * Admits a request from {@code ip} (its IPv6 /64 or IPv4 address, see {@link RateLimits}).
   *
   * @throws ApiException 503 when the server has its limit in flight, 429 when the address has
   */
  public Ticket admit(String ip) {
    if (!total.tryAcquire()) {
      throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "the server has " + totalPermits
          + " requests in progress, its limit; retry after the Retry-After delay", List.of(),
          RETRY);
    }
    if (!byIp.tryAcquire(ip, perIp)) {
      total.release();
      throw limited(perIp + " requests from this client address are already in progress");
    }
    return new Ticket(ip);
  }

  /** Requests admitted and not yet finished (for tests and metrics). */
  public int inFlight() {
    return totalPermits - total.availablePermits();
  }

  private static ApiException limited(String detail) {
    return new ApiException(ErrorCode.CONCURRENCY_LIMITED, detail + "; wait for one to"
        + " finish (retry after the Retry-After delay)", List.of(), RETRY);
  }
}
