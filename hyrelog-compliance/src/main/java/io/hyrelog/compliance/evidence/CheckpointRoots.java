package io.hyrelog.compliance.evidence;

import io.hyrelog.Digest;
import java.util.UUID;

/**
 * The Merkle roots a bundle's checkpoints need: a bundle holds a period's events of each chain,
 * but a checkpoint's root covers the chain from seq 1 ({@link PeriodEvents} computes them while
 * it reads the chains).
 */
@FunctionalInterface
public interface CheckpointRoots {
  /**
   * The RFC 9162 Merkle root over the event hashes of seqs {@code 1..size} of the chain.
   *
   * @param chainId the chain
   * @param size the tree size
   * @return the root
   * @throws IllegalArgumentException when the root of that size is not known
   */
  Digest root(UUID chainId, long size);
}
