package io.hyrelog.archive;

import io.hyrelog.HyrelogException;

/**
 * A sealed personal value of an archived event does not open under the keys it names although
 * they exist: the ciphertext, the key ids or the event's position were changed (AES-GCM's tag
 * does not verify), or the opened value does not match its commitment. The chain itself still
 * verifies (sealed values are outside the hash); the object was altered after it was written.
 */
public final class SealedValueException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  /**
   * A sealed value that does not open.
   *
   * @param message the chain, seq and JSON Pointer, never the value or a key
   */
  public SealedValueException(String message) {
    super(message);
  }
}
