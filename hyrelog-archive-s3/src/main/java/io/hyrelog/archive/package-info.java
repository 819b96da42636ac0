/**
 * Adapters of the {@link io.hyrelog.spi.ArchiveStore} port: {@link
 * io.hyrelog.archive.LocalDirectoryArchiveStore} (the embedded default) and {@link
 * io.hyrelog.archive.S3ArchiveStore} (AWS SDK v2). Both pass the testkit's {@code
 * ArchiveStoreContract}; the module README describes the life of an object in each.
 */
package io.hyrelog.archive;
