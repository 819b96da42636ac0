/**
 * The {@link io.hyrelog.spi.ArchiveStore} on Amazon S3 or an S3-compatible server (AWS SDK v2):
 * {@link io.hyrelog.archive.s3.S3ArchiveStore}, configured by {@link
 * io.hyrelog.archive.s3.S3ArchiveConfig}, and {@link io.hyrelog.archive.s3.S3Uploader}, the one
 * uploader of files to S3 (single PUT or multipart, SHA-256 checked by S3, no overwrite) that
 * the archive store and the compliance S3 delivery share. The archival workflow and the local
 * directory store are in {@code hyrelog-core} ({@link io.hyrelog.archive}).
 */
package io.hyrelog.archive.s3;
