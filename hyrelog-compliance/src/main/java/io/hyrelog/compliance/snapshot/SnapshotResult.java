package io.hyrelog.compliance.snapshot;

import io.hyrelog.spi.SnapshotCatalog.Snapshot;
import java.util.Objects;

/**
 * The snapshot of a company and period as recorded in the {@link
 * io.hyrelog.spi.SnapshotCatalog}.
 *
 * @param snapshot the recorded snapshot: its id, manifest and signature keys in the archive
 *     store, manifest digest, signing key, chain and event counts
 * @param created true when this call took it; false when it was recorded already (by an earlier
 *     call, or by another process that won the race), and then nothing changed
 */
public record SnapshotResult(Snapshot snapshot, boolean created) {
  /**
   * Checks the snapshot is set.
   *
   * @param snapshot the recorded snapshot
   * @param created true when this call took it; false when it was recorded already
   * @throws NullPointerException when {@code snapshot} is null
   */
  public SnapshotResult {
    Objects.requireNonNull(snapshot, "snapshot");
  }
}
