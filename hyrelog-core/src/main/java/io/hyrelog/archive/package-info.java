/**
 * Retention and archival on the core ports alone: {@link io.hyrelog.archive.Archival} (retention
 * marking, segment writing, verification, purge, cold marking, reads across the hot/archive
 * boundary) and {@link io.hyrelog.archive.LocalDirectoryArchiveStore}, the {@link
 * io.hyrelog.spi.ArchiveStore} on a local directory (the embedded default). Nothing here needs
 * a cloud SDK: the S3 store is the separate artifact {@code io.hyrelog:hyrelog-archive-s3}.
 * Every store passes the testkit's {@code ArchiveStoreContract}; docs/archival.md describes the
 * workflow and the life of an object in the local store.
 */
package io.hyrelog.archive;
