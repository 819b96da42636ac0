package io.hyrelog.archive;

import io.hyrelog.HyrelogException;

/**
 * An archive object exists but cannot be used as asked: it has no recorded SHA-256 (it was not
 * written by an archive store), it is in a cold storage class and must be restored before it is
 * read, or the store answered in a way the adapter does not understand. Transport and service
 * failures are {@link java.io.UncheckedIOException}s instead.
 */
public final class ArchiveStoreException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  public ArchiveStoreException(String message) {
    super(message);
  }

  public ArchiveStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
