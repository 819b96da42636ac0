package io.hyrelog.tlog;

import io.hyrelog.HyrelogException;

/**
 * A tile a tree of a given size must have is not stored: the stored tree is incomplete (not yet
 * back-filled, or damaged). Proofs and roots at that size cannot be computed from tiles until it
 * is repaired; nothing the caller passes can fix it.
 */
public final class MissingTileException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * A tile the tree needs is not stored.
   *
   * @param message which tile and tree size
   */
  public MissingTileException(String message) {
    super(message);
  }
}
