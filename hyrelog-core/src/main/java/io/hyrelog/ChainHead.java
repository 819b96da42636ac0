package io.hyrelog;

import java.util.Objects;
import java.util.UUID;

/**
 * The latest event of a chain: its sequence number (the chain's size) and hash.
 *
 * @param workspaceId the chain's id
 * @param seq the head's seq, which is also the number of events in the chain
 * @param hash the head event's hash
 */
public record ChainHead(UUID workspaceId, long seq, Digest hash) {
  /**
   * Validates the head.
   *
   * @param workspaceId the chain's id
   * @param seq the head's seq, which is also the number of events in the chain
   * @param hash the head event's hash
   * @throws IllegalArgumentException when {@code seq < 1}
   */
  public ChainHead {
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(hash, "hash");
    if (seq < 1) {
      throw new IllegalArgumentException("a chain head has seq >= 1, got " + seq);
    }
  }
}
