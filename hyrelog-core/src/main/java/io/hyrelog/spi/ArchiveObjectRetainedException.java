package io.hyrelog.spi;

import io.hyrelog.HyrelogException;
import java.time.Instant;

/**
 * An object may not be deleted yet: its retention (S3 Object Lock) lasts until {@link
 * #retainedUntil()}. Try again after that instant.
 */
public final class ArchiveObjectRetainedException extends HyrelogException {
  private static final long serialVersionUID = 1L;
  /** The end of the object's retention. */
  private final Instant retainedUntil;

  /**
   * The object is retained until {@code retainedUntil}.
   *
   * @param key the archive key
   * @param retainedUntil the end of its retention
   */
  public ArchiveObjectRetainedException(String key, Instant retainedUntil) {
    super("archive object " + key + " is retained until " + retainedUntil
        + " (Object Lock); it cannot be deleted before");
    this.retainedUntil = retainedUntil;
  }

  /**
   * The end of the object's retention.
   *
   * @return the instant from which it may be deleted
   */
  public Instant retainedUntil() {
    return retainedUntil;
  }
}
