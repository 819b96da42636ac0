/**
 * Signed snapshots as a library workflow: {@link io.hyrelog.compliance.snapshot.Snapshots}
 * seals a company's events of a period of recorded time in a signed manifest stored write-once
 * in the archive store, records it in the {@link io.hyrelog.spi.SnapshotCatalog} and appends a
 * {@code snapshot.created} event to every chain it seals. It needs only ports: an application
 * calls it without the example server.
 */
package io.hyrelog.compliance.snapshot;
