package io.hyrelog.integrity;

import java.util.Objects;
import java.util.UUID;

/**
 * The first point at which verification failed.
 *
 * @param chainId the chain (workspace) that failed; {@code null} when the failing line could not
 *     be read far enough to know it
 * @param seq the first seq that cannot be verified: the chain is intact up to {@code seq - 1}
 *     of the verified range; {@code -1} when unknown
 * @param line the 1-based line (or position) of the input where the failure was found; {@code
 *     -1} when not applicable
 * @param reason what failed
 * @param detail a one-line explanation with diagnostic numbers, never payload values
 */
public record IntegrityFailure(UUID chainId, long seq, long line, FailureReason reason,
    String detail) {
  /**
   * Validates the failure.
   *
   * @param chainId the chain (workspace) that failed; {@code null} when the failing line could
   *     not be read far enough to know it
   * @param seq the first seq that cannot be verified: the chain is intact up to {@code seq - 1}
   *     of the verified range; {@code -1} when unknown
   * @param line the 1-based line (or position) of the input where the failure was found;
   *     {@code -1} when not applicable
   * @param reason what failed
   * @param detail a one-line explanation with diagnostic numbers, never payload values
   */
  public IntegrityFailure {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }

  @Override
  public String toString() {
    return reason + " at seq " + (seq < 0 ? "?" : String.valueOf(seq))
        + (chainId == null ? "" : " of chain " + chainId)
        + (line < 0 ? "" : " (line " + line + ")") + ": " + detail;
  }
}
