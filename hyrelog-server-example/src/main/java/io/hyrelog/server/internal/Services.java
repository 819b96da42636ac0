package io.hyrelog.server.internal;

import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.archive.Archival;
import io.hyrelog.server.ServerConfig;
import io.hyrelog.storage.postgres.PostgresEventStore;
import io.hyrelog.storage.postgres.PostgresRegions;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/** What the route handlers share; built once by the composition root. */
public record Services(
    ServerConfig config,
    Clock clock,
    Instant startedAt,
    Tenancy tenancy,
    Authenticator authenticator,
    KeyHasher hasher,
    RateLimits rateLimits,
    ClientIp clientIp,
    PostgresRegions stores,
    Map<DataRegion, EventLog> logs,
    Metrics metrics,
    String internalToken,
    io.hyrelog.server.internal.jobs.Jobs jobs,
    Map<DataRegion, Archival> archives,
    Admission admission,
    CompanyLimits companyLimits,
    HealthProbe health,
    VerifiedChains verifiedChains) {

  public PostgresEventStore store(Company c) {
    return stores.store(c.region());
  }

  public EventLog log(Company c) {
    return logs.get(c.region());
  }

  /** Retention and archival of the company's region (reads across the hot/archive boundary). */
  public Archival archival(Company c) {
    return archives.get(c.region());
  }

  @Override
  public String toString() {
    return "Services[" + config + "]";
  }
}
