package io.hyrelog.server.internal;

import io.hyrelog.DataRegion;
import io.hyrelog.archive.Archival;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.ExportJobs;
import io.hyrelog.spi.GdprRequests;
import io.hyrelog.spi.RestoreRequests;
import io.hyrelog.spi.CheckpointRecords;
import io.hyrelog.spi.SnapshotCatalog;
import io.hyrelog.spi.TenantDirectory;
import io.hyrelog.spi.ChangeLog;
import io.hyrelog.storage.postgres.PostgresArchiveCatalog;
import io.hyrelog.storage.postgres.PostgresChangeLog;
import io.hyrelog.storage.postgres.PostgresEventStore;
import io.hyrelog.storage.postgres.PostgresExports;
import io.hyrelog.storage.postgres.PostgresGdprRequests;
import io.hyrelog.storage.postgres.PostgresRestoreRequests;
import io.hyrelog.storage.postgres.PostgresCheckpointRecords;
import io.hyrelog.storage.postgres.PostgresSnapshots;
import io.hyrelog.storage.postgres.PostgresSubjectKeys;
import io.hyrelog.storage.postgres.PostgresTenants;
import java.time.Clock;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * One served data region: its database (a pool per role), its event store, and the library
 * objects on them. Request handlers use the API pool, background jobs the jobs' pool, the
 * store's writers their own, so no role can take the connections of another; each object
 * comes in the two flavours where both roles need it ({@link #tenants()} and {@link
 * #jobTenants()}, {@link #archival()} and {@link #jobArchival()}). Built once by the
 * composition root ({@link Regions#open}); {@link Regions} closes it. Thread-safe.
 */
public final class Region {
  /** Events a request handler reads per database round trip of a chain. */
  static final int READ_PAGE = 128;

  /**
   * A region's connection pools by role, and its database URL for the health check (which
   * never uses a pool).
   */
  public record Pools(DataSource api, DataSource writes, DataSource jobs, String jdbcUrl) {
    public Pools {
      Objects.requireNonNull(api, "api");
      Objects.requireNonNull(writes, "writes");
      Objects.requireNonNull(jobs, "jobs");
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    }

    /** The pools that need closing, in the order they were opened. */
    public java.util.List<AutoCloseable> closeables() {
      return java.util.stream.Stream.of(api, writes, jobs).filter(AutoCloseable.class::isInstance)
          .map(AutoCloseable.class::cast).toList();
    }

    @Override
    public String toString() {
      return "Pools[<masked>]"; // the URL can hold a password
    }
  }

  private final DataRegion id;
  private final Pools pools;
  private final PostgresEventStore store;
  private final EventLog log;
  private final TenantDirectory tenants;
  private final TenantDirectory jobTenants;
  private final ExportJobs exportJobs;
  private final ExportJobs jobExportJobs;
  private final ArchiveStore objects;
  private final Archival archival;
  private final Archival jobArchival;
  private final RestoreRequests restores;
  private final RestoreRequests jobRestores;
  private final GdprRequests gdprRequests;
  private final GdprRequests jobGdprRequests;
  private final SnapshotCatalog snapshots;
  private final CheckpointRecords checkpointRecords;
  private final CheckpointRecords jobCheckpointRecords;
  private final SnapshotCatalog periods;
  private final ChangeLog changes;
  private final ChangeLog jobChanges;
  private final PostgresSubjectKeys subjectKeys;
  private final PostgresSubjectKeys jobSubjectKeys;

  Region(DataRegion id, Pools pools, PostgresEventStore store, ArchiveStore objects,
      String subjectKeyHex, Clock clock) {
    this.id = Objects.requireNonNull(id, "id");
    this.pools = Objects.requireNonNull(pools, "pools");
    this.store = Objects.requireNonNull(store, "store");
    this.objects = Objects.requireNonNull(objects, "objects");
    this.log = EventLog.builder(store).clock(clock).build();
    this.tenants = PostgresTenants.create(pools.api());
    this.jobTenants = PostgresTenants.create(pools.jobs());
    this.exportJobs = PostgresExports.create(pools.api());
    this.jobExportJobs = PostgresExports.create(pools.jobs());
    this.subjectKeys = PostgresSubjectKeys.builder(pools.api()).encryptionKeyHex(subjectKeyHex)
        .clock(clock).build();
    this.jobSubjectKeys = PostgresSubjectKeys.builder(pools.jobs())
        .encryptionKeyHex(subjectKeyHex).clock(clock).build();
    // Handlers read chains page by page, so a slow client never holds a connection.
    this.archival = Archival.create(new PagedEventStore(store, READ_PAGE),
        PostgresArchiveCatalog.create(pools.api()), objects, clock).withSubjectKeys(subjectKeys);
    this.jobArchival = Archival.create(store, PostgresArchiveCatalog.create(pools.jobs()),
        objects, clock).withSubjectKeys(jobSubjectKeys);
    this.restores = PostgresRestoreRequests.create(pools.api());
    this.jobRestores = PostgresRestoreRequests.create(pools.jobs());
    this.gdprRequests = PostgresGdprRequests.create(pools.api());
    this.jobGdprRequests = PostgresGdprRequests.create(pools.jobs());
    this.snapshots = PostgresSnapshots.create(pools.jobs());
    this.checkpointRecords = PostgresCheckpointRecords.create(pools.api());
    this.jobCheckpointRecords = PostgresCheckpointRecords.create(pools.jobs());
    this.periods = PostgresSnapshots.create(pools.api());
    // On the API pool, the data source of the tenant directory and the webhook endpoints: a
    // change made through them inside changes().atomically(…) commits with its record.
    this.changes = PostgresChangeLog.create(pools.api());
    this.jobChanges = PostgresChangeLog.create(pools.jobs());
  }

  /**
   * The outbox of the company administration of this region, for request handlers: a record
   * written in {@link ChangeLog#atomically} commits with the changes made there through {@link
   * #tenants()} and the event store's webhook endpoints (the same pool).
   */
  public ChangeLog changes() {
    return changes;
  }

  /** The outbox of {@link #changes()}, for background work (the jobs' pool). */
  public ChangeLog jobChanges() {
    return jobChanges;
  }

  public DataRegion id() {
    return id;
  }

  /**
   * The subject keys of archived personal values, on the API pool: what a data subject's
   * erasure destroys ({@link io.hyrelog.spi.SubjectKeys#destroy}).
   */
  public PostgresSubjectKeys subjectKeys() {
    return subjectKeys;
  }

  /** The subject keys, on the jobs' pool (the {@code gdpr.erase} job's). */
  public PostgresSubjectKeys jobSubjectKeys() {
    return jobSubjectKeys;
  }

  public Pools pools() {
    return pools;
  }

  /** The region's event store (reads on the API pool, appends on the writers' pool). */
  public PostgresEventStore store() {
    return store;
  }

  /** The event log over {@link #store()}: the append path of the API. */
  public EventLog log() {
    return log;
  }

  /** Tenants, keys and plans, on the API pool. */
  public TenantDirectory tenants() {
    return tenants;
  }

  /** Tenants, keys and plans, on the jobs' pool. */
  public TenantDirectory jobTenants() {
    return jobTenants;
  }

  /** Export jobs and hot snapshots, on the API pool. */
  public ExportJobs exportJobs() {
    return exportJobs;
  }

  /** Export jobs and chain heads on the jobs' pool (the snapshot job lists chains through it). */
  public ExportJobs jobExportJobs() {
    return jobExportJobs;
  }

  /** The archive's object store. */
  public ArchiveStore objects() {
    return objects;
  }

  /** Retention and archival for request handlers (chains read page by page). */
  public Archival archival() {
    return archival;
  }

  /** Retention and archival for background jobs (the jobs' pool). */
  public Archival jobArchival() {
    return jobArchival;
  }

  /** Restore requests, on the API pool. */
  public RestoreRequests restores() {
    return restores;
  }

  /** Restore requests, on the jobs' pool. */
  public RestoreRequests jobRestores() {
    return jobRestores;
  }

  /** Personal-data requests, on the API pool. */
  public GdprRequests gdprRequests() {
    return gdprRequests;
  }

  /** Personal-data requests, on the jobs' pool. */
  public GdprRequests jobGdprRequests() {
    return jobGdprRequests;
  }

  /** The snapshot catalog, on the jobs' pool. */
  /** Witness cosignatures, refusals and publications, for request handlers. */
  public CheckpointRecords checkpointRecords() {
    return checkpointRecords;
  }

  /** Witness cosignatures, refusals and publications, for background work (the jobs' pool). */
  public CheckpointRecords jobCheckpointRecords() {
    return jobCheckpointRecords;
  }

  public SnapshotCatalog snapshots() {
    return snapshots;
  }

  /**
   * The snapshot catalog on the API pool, for what evidence exports read of it: where a
   * chain's period starts ({@link SnapshotCatalog#periodRange}, {@link
   * SnapshotCatalog#purgedScanStart}).
   */
  public SnapshotCatalog periods() {
    return periods;
  }

  @Override
  public String toString() {
    return "Region[" + id + "]";
  }
}
