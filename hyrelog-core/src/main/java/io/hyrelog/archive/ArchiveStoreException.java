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

  /**
   * An archive object that cannot be used as asked.
   *
   * @param message the key and what is wrong with the object
   */
  public ArchiveStoreException(String message) {
    super(message);
  }

  /**
   * An archive object that cannot be used as asked, with the cause.
   *
   * @param message the key and what is wrong with the object
   * @param cause the store's own report
   */
  public ArchiveStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
