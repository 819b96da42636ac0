/**
 * Adapters of the {@link io.hyrelog.spi.ArchiveStore} port (S3 and a local directory). They
 * arrive with the archive issue; this module is part of the reactor from the start.
 */
package io.hyrelog.archive;
