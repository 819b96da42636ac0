package io.hyrelog.compliance.evidence;

/** The company has no evidence bundle with that id (neither its package nor its envelope). */
public class EvidenceNotFoundException extends EvidenceException {
  private static final long serialVersionUID = 1L;

  /**
   * The company has no such bundle.
   *
   * @param message which bundle was looked for
   */
  public EvidenceNotFoundException(String message) {
    super(message);
  }
}
