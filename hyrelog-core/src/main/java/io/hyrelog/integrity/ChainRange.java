package io.hyrelog.integrity;

import io.hyrelog.Digest;
import java.util.Objects;
import java.util.UUID;

/**
 * The verified part of one chain: a range of seqs, linked end to end (contiguous unless gaps
 * were allowed and {@link #gaps()} is above 0). The {@code
 * firstPrevHash} and {@code headHash} let a reader link this range to the ranges before and after
 * it (other archive segments) and to a checkpoint.
 *
 * @param chainId the chain, which is its workspace's id
 * @param firstSeq seq of the first event seen
 * @param firstPrevHash that event's prevHash (64 zeros when {@code firstSeq == 1})
 * @param lastSeq seq of the last event seen
 * @param headHash hash of the last event seen
 * @param count events verified ({@code lastSeq - firstSeq + 1} when there are no gaps)
 * @param gaps jumps forward in seq that were accepted (only with
 *     {@link ChainVerifier.Builder#allowGaps()}; always 0 otherwise)
 */
public record ChainRange(UUID chainId, long firstSeq, Digest firstPrevHash, long lastSeq,
    Digest headHash, long count, long gaps) {
  /**
   * Validates the range.
   *
   * @param chainId the chain, which is its workspace's id
   * @param firstSeq seq of the first event seen
   * @param firstPrevHash that event's prevHash (64 zeros when {@code firstSeq == 1})
   * @param lastSeq seq of the last event seen
   * @param headHash hash of the last event seen
   * @param count events verified ({@code lastSeq - firstSeq + 1} when there are no gaps)
   * @param gaps jumps forward in seq that were accepted (only with
   *     {@link ChainVerifier.Builder#allowGaps()}; always 0 otherwise)
   */
  public ChainRange {
    Objects.requireNonNull(chainId, "chainId");
    Objects.requireNonNull(firstPrevHash, "firstPrevHash");
    Objects.requireNonNull(headHash, "headHash");
    if (gaps < 0) {
      throw new IllegalArgumentException("gaps must be >= 0, got " + gaps);
    }
  }

  /**
   * A contiguous range (no gaps).
   *
   * @param chainId the chain
   * @param firstSeq the first seq seen
   * @param firstPrevHash the prevHash of the first event seen
   * @param lastSeq the last seq seen
   * @param headHash the hash of the last event seen
   * @param count how many events were seen
   */
  public ChainRange(UUID chainId, long firstSeq, Digest firstPrevHash, long lastSeq,
      Digest headHash, long count) {
    this(chainId, firstSeq, firstPrevHash, lastSeq, headHash, count, 0);
  }
}
