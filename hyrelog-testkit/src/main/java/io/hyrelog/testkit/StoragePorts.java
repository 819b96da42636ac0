package io.hyrelog.testkit;

import io.hyrelog.spi.AdminAuditLog;
import io.hyrelog.spi.ArchiveCatalog;
import io.hyrelog.spi.EventStore;
import io.hyrelog.spi.ExportJobs;
import io.hyrelog.spi.JobRuns;
import io.hyrelog.spi.RestoreRequests;
import io.hyrelog.spi.SnapshotCatalog;
import io.hyrelog.spi.TenantDirectory;
import java.util.Objects;

/**
 * Every persistence port of one storage (one region's database), all working on the same data:
 * what the contract suites of ports that live beside each other need (an archive catalog
 * purges the event store's events, restore requests set their segment's restored copy, ...).
 * An adapter's test builds one per test over a fresh, empty storage; {@link #inMemory()} wires
 * the testkit's twins. Closing it releases the storage.
 *
 * @param events the event store
 * @param tenants the tenant directory
 * @param archive the archive catalog
 * @param snapshots the snapshot catalog
 * @param restores the restore requests
 * @param exports the export jobs
 * @param jobRuns the job run history
 * @param adminLog the admin audit log
 * @param closer releases whatever the ports hold (pools, an embedded database); called once
 */
public record StoragePorts(EventStore events, TenantDirectory tenants, ArchiveCatalog archive,
    SnapshotCatalog snapshots, RestoreRequests restores, ExportJobs exports, JobRuns jobRuns,
    AdminAuditLog adminLog, AutoCloseable closer) implements AutoCloseable {

  /**
   * Validates the ports.
   *
   * @param events the event store
   * @param tenants the tenant directory
   * @param archive the archive catalog
   * @param snapshots the snapshot catalog
   * @param restores the restore requests
   * @param exports the export jobs
   * @param jobRuns the job run history
   * @param adminLog the admin audit log
   * @param closer releases whatever the ports hold (pools, an embedded database); called once
   */
  public StoragePorts {
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(tenants, "tenants");
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(snapshots, "snapshots");
    Objects.requireNonNull(restores, "restores");
    Objects.requireNonNull(exports, "exports");
    Objects.requireNonNull(jobRuns, "jobRuns");
    Objects.requireNonNull(adminLog, "adminLog");
    Objects.requireNonNull(closer, "closer");
  }

  /**
   * The in-memory twins of every port, over one fresh, empty {@link InMemoryEventStore}.
   *
   * @return the ports
   */
  public static StoragePorts inMemory() {
    InMemoryEventStore events = new InMemoryEventStore();
    InMemoryArchiveCatalog archive = new InMemoryArchiveCatalog(events);
    return new StoragePorts(events, new InMemoryTenantDirectory(), archive,
        new InMemorySnapshotCatalog(events, archive), new InMemoryRestoreRequests(archive),
        new InMemoryExportJobs(events), new InMemoryJobRuns(), new InMemoryAdminAuditLog(),
        () -> { });
  }

  @Override
  public void close() throws Exception {
    closer.close();
  }
}
