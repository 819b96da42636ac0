package io.hyrelog.spi;

import io.hyrelog.HyrelogException;

/**
 * Something was to be stored under an id or another unique key that is already taken: a
 * company, workspace, project or API key id, an API key's HMAC, a job run, an export job, a
 * restore request, an archive segment or its object key, a snapshot, its manifest or signature
 * key, or a chain range another snapshot seals. Nothing of the operation was written. Ids are
 * random, so this means a caller reused one (a bug, or a replay): use a new id. The message
 * names the id, never a key's secret or HMAC.
 */
public final class AlreadyStoredException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * An insert that would duplicate a stored id or unique key; nothing was stored.
   *
   * @param message what was duplicated (ids, never secrets)
   */
  public AlreadyStoredException(String message) {
    super(message);
  }

  /**
   * @param cause the storage's own report (for example a unique-key violation)
   *
   * @param message what was duplicated (ids, never secrets)
   */
  public AlreadyStoredException(String message, Throwable cause) {
    super(message, cause);
  }
}
