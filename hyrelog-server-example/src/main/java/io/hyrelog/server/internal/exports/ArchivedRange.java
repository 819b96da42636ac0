package io.hyrelog.server.internal.exports;

import java.util.Objects;
import java.util.UUID;

/** The seqs {@code fromSeq..toSeq} of one chain held by an archive segment. */
public record ArchivedRange(UUID workspaceId, long fromSeq, long toSeq) {
  public ArchivedRange {
    Objects.requireNonNull(workspaceId, "workspaceId");
    if (fromSeq < 1 || toSeq < fromSeq) {
      throw new IllegalArgumentException("range must be 1 <= fromSeq <= toSeq, got " + fromSeq
          + ".." + toSeq);
    }
  }
}
