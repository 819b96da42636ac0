package io.hyrelog.compliance.evidence;

/**
 * The bundle is not in a state for the operation: its package does not verify (it cannot be
 * countersigned), or it is kept only in an envelope this process cannot open (one an external
 * KMS wrapped; decrypt it with that key and verify it offline). Nothing was changed.
 */
public class EvidenceConflictException extends EvidenceException {
  private static final long serialVersionUID = 1L;

  /**
   * The bundle is not in a state for the operation.
   *
   * @param message why, naming the bundle; never keys
   */
  public EvidenceConflictException(String message) {
    super(message);
  }
}
