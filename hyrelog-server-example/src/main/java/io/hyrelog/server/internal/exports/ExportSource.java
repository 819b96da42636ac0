package io.hyrelog.server.internal.exports;

/** Where an export reads events. */
public enum ExportSource {
  /** The hot store (PostgreSQL) only. */
  HOT,
  /** Verified archive segments only. */
  ARCHIVED,
  /** The archive, then per chain the hot events after it: each seq once. */
  HOT_AND_ARCHIVED;

  public boolean readsArchive() {
    return this != HOT;
  }
}
