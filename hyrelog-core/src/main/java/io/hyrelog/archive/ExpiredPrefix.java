package io.hyrelog.archive;

import io.hyrelog.Digest;
import java.util.Objects;
import java.util.UUID;

/**
 * What archive expiry removed from one chain: seqs {@code 1..throughSeq}, whose last event's hash
 * is {@code lastHash}. The first retained event, seq {@code throughSeq + 1}, has {@code lastHash}
 * as its prevHash, so the rest of the chain still verifies and links to the expired part.
 *
 * @param workspaceId the chain
 * @param throughSeq the last expired seq, at least 1
 * @param lastHash the hash of the event at {@code throughSeq}
 */
public record ExpiredPrefix(UUID workspaceId, long throughSeq, Digest lastHash) {
  /**
   * Validates the prefix.
   *
   * @param workspaceId the chain
   * @param throughSeq the last expired seq, at least 1
   * @param lastHash the hash of the event at {@code throughSeq}
   */
  public ExpiredPrefix {
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(lastHash, "lastHash");
    if (throughSeq < 1) {
      throw new IllegalArgumentException("throughSeq must be >= 1, got " + throughSeq);
    }
  }

  /**
   * The first seq still kept.
   *
   * @return {@code throughSeq + 1}
   */
  public long firstRetainedSeq() {
    return throughSeq + 1;
  }

  /**
   * The sentence verification answers carry, e.g. {@code "expired 1..120, first retained seq
   * 121 links to hash 3f…"} (the full hex hash).
   *
   * @return the description
   */
  public String describe() {
    return "expired 1.." + throughSeq + ", first retained seq " + firstRetainedSeq()
        + " links to hash " + lastHash.hex();
  }
}
