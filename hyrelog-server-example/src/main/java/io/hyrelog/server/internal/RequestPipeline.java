package io.hyrelog.server.internal;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What runs around every request: the count of requests in flight (a closing server refuses
 * new ones with 503 and waits for the count to drain), request and trace ids (response headers
 * and log context), the client address, rate limits with their headers, admission (in-flight
 * limits, see {@link Admission}; {@code /internal/*} is never counted), API key authentication
 * for {@code /v1/*} and {@code /compliance/evidence/*}, metrics and one access-log line. Never
 * logs keys, bodies or query values. Routes never see it: they read what it found from the
 * request ({@link #principal}). Thread-safe.
 */
public final class RequestPipeline {
  public static final String REQUEST_ID = "hyrelog.requestId";
  public static final String TRACE_ID = "hyrelog.traceId";
  public static final String PRINCIPAL = "hyrelog.principal";
  public static final String CLIENT_IP = "hyrelog.clientIp";
  private static final String TICKET = "hyrelog.admission";
  private static final String STARTED = "hyrelog.started";
  private static final String COUNTED = "hyrelog.counted";
  private static final Logger ACCESS = LoggerFactory.getLogger("io.hyrelog.server.access");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private final Authenticator authenticator;
  private final RateLimits rateLimits;
  private final ClientIp clientIp;
  private final Admission admission;
  private final Metrics metrics;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean closing = new AtomicBoolean();

  public RequestPipeline(Authenticator authenticator, RateLimits rateLimits, ClientIp clientIp,
      Admission admission, Metrics metrics) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.rateLimits = Objects.requireNonNull(rateLimits, "rateLimits");
    this.clientIp = Objects.requireNonNull(clientIp, "clientIp");
    this.admission = Objects.requireNonNull(admission, "admission");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** From now on every new request is refused with 503 (idempotent). */
  public boolean close() {
    return closing.compareAndSet(false, true);
  }

  public boolean closing() {
    return closing.get();
  }

  /** Requests between {@link #before} and {@link #after}. */
  public int inFlight() {
    return inFlight.get();
  }

  public void before(Context ctx) {
    inFlight.incrementAndGet();
    ctx.attribute(COUNTED, Boolean.TRUE);
    if (closing.get()) {
      throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
          "the server is shutting down; retry on another instance", java.util.List.of(),
          Duration.ofSeconds(1));
    }
    ctx.attribute(STARTED, System.nanoTime());
    String requestId = UUID.randomUUID().toString();
    ctx.attribute(REQUEST_ID, requestId);
    ctx.header("X-Request-Id", requestId);
    String trace = ctx.header("X-Trace-Id");
    String traceId = trace != null && ID.matcher(trace).matches() ? trace : requestId;
    ctx.attribute(TRACE_ID, traceId);
    ctx.header("X-Trace-Id", traceId);
    MDC.put("requestId", requestId);
    MDC.put("traceId", traceId);

    InetAddress client = clientIp.resolve(ctx.req().getRemoteAddr(),
        ctx.header("X-Forwarded-For"));
    ctx.attribute(CLIENT_IP, client);

    RateLimits.Decision ip = rateLimits.ip(client);
    rateHeaders(ctx, ip);
    if (!ip.allowed()) {
      throw limited(ip, "this client address");
    }
    // Health and metrics are never held back: operators see a saturated server.
    Admission.Ticket ticket = null;
    if (!ctx.path().startsWith("/internal/")) {
      ticket = admission.admit(RateLimits.clientKey(client));
      ctx.attribute(TICKET, ticket);
    }
    if (authenticated(ctx.path())) {
      Principal p = authenticator.authenticate(ctx.header("Authorization"), client);
      ctx.attribute(PRINCIPAL, p);
      MDC.put("keyPrefix", p.key().prefix());
      RateLimits.Decision key = rateLimits.key(p.key().id().toString());
      rateHeaders(ctx, key);
      if (!key.allowed()) {
        throw limited(key, "this API key");
      }
      if (ticket != null) {
        ticket.key(p.key().id().toString());
      }
    }
  }

  /**
   * Routes that take an API key: {@code /v1/*} but the published verification keys (anyone may
   * check a checkpoint), and the compliance evidence and export download routes.
   */
  private static boolean authenticated(String path) {
    return (path.startsWith("/v1/") && !path.equals("/v1/signing-keys"))
        || path.startsWith("/compliance/evidence/") || path.startsWith("/compliance/exports");
  }

  /** The request as events record it: its trace id, client address and user agent. */
  public static io.hyrelog.RequestContext requestContext(Context ctx) {
    InetAddress ip = ctx.attribute(CLIENT_IP);
    return new io.hyrelog.RequestContext(ctx.attribute(TRACE_ID),
        ip == null ? null : io.hyrelog.IpRange.format(ip),
        io.hyrelog.RequestContext.userAgent(ctx.header("User-Agent")));
  }

  /** Ends the request's admission (idempotent); the after handler does it for every request. */
  public static void release(Context ctx) {
    Admission.Ticket t = ctx.attribute(TICKET);
    if (t != null) {
      t.close();
    }
  }

  public void after(Context ctx) {
    try {
      finish(ctx);
    } finally {
      if (ctx.attribute(COUNTED) != null) {
        ctx.attribute(COUNTED, null);
        inFlight.decrementAndGet();
      }
    }
  }

  private void finish(Context ctx) {
    release(ctx);
    Long started = ctx.attribute(STARTED);
    Duration took = Duration.ofNanos(started == null ? 0 : System.nanoTime() - started);
    var matched = ctx.endpoints().matchedHttpEndpoint();
    String route = matched == null ? "unmatched" : matched.path;
    int status = ctx.statusCode();
    metrics.request(ctx.method().name(), route, status, took);
    if (ACCESS.isInfoEnabled()) {
      ACCESS.info("{} {} {} {}ms", ctx.method().name(), ctx.path(), status, took.toMillis());
    }
    MDC.clear();
  }

  /**
   * Applies a route's own rate limit: its {@code X-RateLimit-*} headers replace those set before
   * when it is as close or closer to refusing (or refuses), and
   * a spent bucket is 429 RATE_LIMITED naming {@code whom}.
   */
  public static void requireAllowed(Context ctx, RateLimits.Decision d, String whom) {
    if (!d.allowed()) {
      rateHeaders(ctx, d);
      throw limited(d, whom);
    }
    // Several buckets may apply to one request: the headers show the one closest to refusing.
    String shown = ctx.res().getHeader("X-RateLimit-Remaining");
    if (shown == null || d.remaining() <= Long.parseLong(shown)) {
      rateHeaders(ctx, d);
    }
  }

  static void rateHeaders(Context ctx, RateLimits.Decision d) {
    ctx.header("X-RateLimit-Limit", Long.toString(d.limit()));
    ctx.header("X-RateLimit-Remaining", Long.toString(d.remaining()));
    ctx.header("X-RateLimit-Reset", DateTimeFormatter.ISO_INSTANT.format(
        d.reset().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
  }

  static ApiException limited(RateLimits.Decision d, String whom) {
    return new ApiException(ErrorCode.RATE_LIMITED, "rate limit of " + d.limit()
        + " requests per minute exceeded for " + whom + "; retry after the Retry-After delay",
        java.util.List.of(), d.retryAfter());
  }

  /** The authenticated caller (set for every {@code /v1/*} request). */
  public static Principal principal(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL);
    if (p == null) {
      throw new IllegalStateException("no principal on " + ctx.path());
    }
    return p;
  }
}
