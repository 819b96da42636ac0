package io.hyrelog.server;

import io.hyrelog.server.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What keeps one client or tenant from stalling the others (docs/security.md, "Limits and
 * timeouts"): HTTP worker threads and how many requests may hold them, the pace a request body
 * must arrive at and a response must be read at, and per-company caps on the expensive
 * operations.
 *
 * @param httpThreads Jetty's worker threads
 * @param maxInFlight requests admitted at once (all routes but {@code /internal/*}); at least
 *     {@link #RESERVED_THREADS} threads stay free for health checks, Jetty itself and refusals
 * @param maxInFlightPerKey requests one API key may have admitted at once
 * @param maxInFlightPerIp requests one client address (an IPv6 /64) may have admitted at once
 * @param idleTimeout how long a connection may send and receive nothing
 * @param bodyReadTimeout how long a request body may take to arrive in full
 * @param minRequestRate the slowest a request body may arrive, in bytes per second after the
 *     first {@link #RATE_GRACE} (0: no minimum)
 * @param minResponseRate the slowest a client may read a response, in bytes per second of each
 *     write after a {@link #RATE_GRACE} (0: no minimum)
 * @param companyVerify chain verifications one company may run at once
 * @param companyCheckpoints checkpoints one company may have computed at once
 * @param companyExports export creations, export downloads and {@code events.jsonl} streams one
 *     company may have at once
 * @param companyEvidence evidence bundle operations one company may run at once
 * @param evidenceExportsPerMin evidence bundle exports per company key per minute
 * @param evidencePerMin requests to {@code /compliance/evidence/*} per company key per minute
 *     (every route of the family; exports also count against {@code evidenceExportsPerMin})
 * @param evidenceQuotaMb the disk one company's evidence bundles (and directory vault copies)
 *     may take, in MiB
 */
public record LimitSettings(int httpThreads, int maxInFlight, int maxInFlightPerKey,
    int maxInFlightPerIp, Duration idleTimeout, Duration bodyReadTimeout, int minRequestRate,
    int minResponseRate, int companyVerify, int companyCheckpoints, int companyExports,
    int companyEvidence, int evidenceExportsPerMin, int evidencePerMin, int evidenceQuotaMb) {

  /** Threads never given to admitted requests. */
  public static final int RESERVED_THREADS = 24;
  /** How long a body or a write may run before its pace is judged. */
  public static final Duration RATE_GRACE = Duration.ofSeconds(5);

  /** The variables read here; see {@link ServerEnvironment}. */
  static final List<String> VARIABLES = List.of("HYRELOG_HTTP_THREADS",
      "HYRELOG_MAX_IN_FLIGHT", "HYRELOG_MAX_IN_FLIGHT_PER_KEY", "HYRELOG_MAX_IN_FLIGHT_PER_IP",
      "HYRELOG_HTTP_IDLE_TIMEOUT", "HYRELOG_BODY_READ_TIMEOUT",
      "HYRELOG_MIN_REQUEST_BYTES_PER_SECOND", "HYRELOG_MIN_RESPONSE_BYTES_PER_SECOND",
      "HYRELOG_COMPANY_MAX_VERIFY", "HYRELOG_COMPANY_MAX_CHECKPOINTS",
      "HYRELOG_COMPANY_MAX_EXPORTS", "HYRELOG_COMPANY_MAX_EVIDENCE",
      "HYRELOG_RATE_LIMIT_EVIDENCE_EXPORT_PER_MIN", "HYRELOG_RATE_LIMIT_EVIDENCE_PER_MIN",
      "HYRELOG_EVIDENCE_QUOTA_MB");

  public LimitSettings {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(bodyReadTimeout, "bodyReadTimeout");
    if (maxInFlight > httpThreads - RESERVED_THREADS) {
      throw new ConfigException("HYRELOG_MAX_IN_FLIGHT (" + maxInFlight + ") must leave "
          + RESERVED_THREADS + " of HYRELOG_HTTP_THREADS (" + httpThreads + ") free for health"
          + " checks and refusals: raise the threads or lower the in-flight limit");
    }
    if (maxInFlightPerKey > maxInFlight || maxInFlightPerIp > maxInFlight) {
      throw new ConfigException("HYRELOG_MAX_IN_FLIGHT_PER_KEY (" + maxInFlightPerKey
          + ") and HYRELOG_MAX_IN_FLIGHT_PER_IP (" + maxInFlightPerIp + ") must not exceed"
          + " HYRELOG_MAX_IN_FLIGHT (" + maxInFlight + ")");
    }
  }

  /** The evidence quota in bytes. */
  public long evidenceQuotaBytes() {
    return evidenceQuotaMb * 1024L * 1024L;
  }

  /**
   * Reads the settings; a limit left unset defaults to what fits the others set (the in-flight
   * total to the threads less the reserve, the shares to the total), a conflicting one set is
   * refused.
   */
  static LimitSettings fromEnv(Map<String, String> env) {
    ServerConfig.Env e = new ServerConfig.Env(env);
    int threads = e.integer("HYRELOG_HTTP_THREADS", 200, 2 * RESERVED_THREADS, 10_000);
    int total = e.integer("HYRELOG_MAX_IN_FLIGHT", Math.min(150, threads - RESERVED_THREADS), 1,
        10_000);
    return new LimitSettings(threads, total,
        e.integer("HYRELOG_MAX_IN_FLIGHT_PER_KEY", Math.min(32, total), 1, 10_000),
        e.integer("HYRELOG_MAX_IN_FLIGHT_PER_IP", Math.min(64, total), 1, 10_000),
        e.duration("HYRELOG_HTTP_IDLE_TIMEOUT", Duration.ofSeconds(30)),
        e.duration("HYRELOG_BODY_READ_TIMEOUT", Duration.ofSeconds(30)),
        e.integer("HYRELOG_MIN_REQUEST_BYTES_PER_SECOND", 1024, 0, 100_000_000),
        e.integer("HYRELOG_MIN_RESPONSE_BYTES_PER_SECOND", 4096, 0, 100_000_000),
        e.integer("HYRELOG_COMPANY_MAX_VERIFY", 2, 1, 1000),
        e.integer("HYRELOG_COMPANY_MAX_CHECKPOINTS", 2, 1, 1000),
        e.integer("HYRELOG_COMPANY_MAX_EXPORTS", 2, 1, 1000),
        e.integer("HYRELOG_COMPANY_MAX_EVIDENCE", 1, 1, 1000),
        e.integer("HYRELOG_RATE_LIMIT_EVIDENCE_EXPORT_PER_MIN", 2, 1, 100_000),
        e.integer("HYRELOG_RATE_LIMIT_EVIDENCE_PER_MIN", 30, 1, 100_000),
        e.integer("HYRELOG_EVIDENCE_QUOTA_MB", 1024, 1, 100_000_000));
  }
}
