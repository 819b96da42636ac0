package io.hyrelog.spi;

import io.hyrelog.HyrelogException;

/** No object exists under the key (it was never stored, or it was removed behind our back). */
public final class ArchiveObjectNotFoundException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * No object is stored under the key.
   *
   * @param key the archive key
   */
  public ArchiveObjectNotFoundException(String key) {
    super("archive object " + key + " does not exist");
  }
}
