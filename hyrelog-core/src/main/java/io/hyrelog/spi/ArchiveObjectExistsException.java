package io.hyrelog.spi;

import io.hyrelog.HyrelogException;

/** An object already exists under the key: archive stores never overwrite. */
public final class ArchiveObjectExistsException extends HyrelogException {
  private static final long serialVersionUID = 1L;
  private final transient ArchiveObject existing;

  /**
   * A put refused because an object is stored under the key.
   *
   * @param existing the stored object
   */
  public ArchiveObjectExistsException(ArchiveObject existing) {
    super("archive object " + existing.key() + " already exists (" + existing.size()
        + " bytes, sha256 " + existing.sha256().hex() + "); archive objects are never overwritten");
    this.existing = existing;
  }

  /**
   * The object that is already stored.
   *
   * @return the stored object's key, size and SHA-256
   */
  public ArchiveObject existing() {
    return existing;
  }
}
