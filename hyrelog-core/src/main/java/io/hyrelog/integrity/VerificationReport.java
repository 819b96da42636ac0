package io.hyrelog.integrity;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of verifying events.
 *
 * @param events how many events were verified before the end or the first failure
 * @param chains the verified range of each chain, in order of first appearance
 * @param checkpointsChecked how many checkpoints were matched against the events
 * @param failure the first failure, or empty when everything verified
 */
public record VerificationReport(long events, List<ChainRange> chains, int checkpointsChecked,
    Optional<IntegrityFailure> failure) {
  /**
   * Copies the chains.
   *
   * @param events how many events were verified before the end or the first failure
   * @param chains the verified range of each chain, in order of first appearance
   * @param checkpointsChecked how many checkpoints were matched against the events
   * @param failure the first failure, or empty when everything verified
   */
  public VerificationReport {
    chains = List.copyOf(chains);
  }

  /**
   * Jumps forward in seq accepted over all chains (0 unless gaps were allowed).
   *
   * @return the number of gaps
   */
  public long gaps() {
    return chains.stream().mapToLong(ChainRange::gaps).sum();
  }

  /**
   * Whether every event, link and checkpoint verified.
   *
   * @return true when nothing failed
   */
  public boolean ok() {
    return failure.isEmpty();
  }
}
