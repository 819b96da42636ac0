package io.hyrelog.integrity;

import io.hyrelog.Digest;
import java.util.Objects;
import java.util.UUID;

/**
 * The verified part of one chain: a contiguous range of seqs, linked end to end. The {@code
 * firstPrevHash} and {@code headHash} let a reader link this range to the ranges before and after
 * it (other archive segments) and to a checkpoint.
 *
 * @param firstSeq seq of the first event seen
 * @param firstPrevHash that event's prevHash (64 zeros when {@code firstSeq == 1})
 * @param lastSeq seq of the last event seen
 * @param headHash hash of the last event seen
 * @param count events verified ({@code lastSeq - firstSeq + 1})
 */
public record ChainRange(UUID chainId, long firstSeq, Digest firstPrevHash, long lastSeq,
    Digest headHash, long count) {
  public ChainRange {
    Objects.requireNonNull(chainId, "chainId");
    Objects.requireNonNull(firstPrevHash, "firstPrevHash");
    Objects.requireNonNull(headHash, "headHash");
  }
}
