/**
 * The {@link io.hyrelog.spi.ArchiveStore} on Amazon S3 or an S3-compatible server (AWS SDK v2):
 * {@link io.hyrelog.archive.s3.S3ArchiveStore}, configured by {@link
 * io.hyrelog.archive.s3.S3ArchiveConfig}. The archival workflow and the local directory store
 * are in {@code hyrelog-core} ({@link io.hyrelog.archive}).
 */
package io.hyrelog.archive.s3;
