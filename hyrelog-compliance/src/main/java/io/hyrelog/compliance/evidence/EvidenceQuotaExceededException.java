package io.hyrelog.compliance.evidence;

/**
 * A company's evidence bundles (with their directory vault copies) already take at least its
 * quota: no new bundle is written until old ones are archived and removed or the quota raised.
 */
public class EvidenceQuotaExceededException extends EvidenceException {
  private static final long serialVersionUID = 1L;
  /** Bytes the company's bundles and directory vault copies take. */
  private final long usedBytes;
  /** The company's quota in bytes. */
  private final long quotaBytes;

  /**
   * The company's bundles take {@code usedBytes}, at least {@code quotaBytes}; the message
   * carries both numbers.
   *
   * @param usedBytes the bytes the company's bundles take
   * @param quotaBytes the quota checked against
   */
  public EvidenceQuotaExceededException(long usedBytes, long quotaBytes) {
    super("this company's evidence bundles take " + usedBytes + " bytes, at least its quota of "
        + quotaBytes + " bytes");
    this.usedBytes = usedBytes;
    this.quotaBytes = quotaBytes;
  }

  /**
   * The bytes the company's bundles take.
   *
   * @return the bytes used, with the directory vault copies
   */
  public long usedBytes() {
    return usedBytes;
  }

  /**
   * The quota checked against.
   *
   * @return the quota in bytes
   */
  public long quotaBytes() {
    return quotaBytes;
  }
}
