package io.hyrelog.server.internal.exports;

/** The file format of an export. */
public enum ExportFormat {
  /** The core JSONL export format: verifiable offline with {@code hyrelog.jar verify}. */
  JSONL("application/x-ndjson", "jsonl"),
  /** RFC 4180 CSV ({@code CsvEventWriter}): for reading, not verifiable. */
  CSV("text/csv; charset=utf-8", "csv");

  private final String contentType;
  private final String extension;

  ExportFormat(String contentType, String extension) {
    this.contentType = contentType;
    this.extension = extension;
  }

  public String contentType() {
    return contentType;
  }

  public String extension() {
    return extension;
  }

  /** The stored format of a spreadsheet-safe CSV export ({@code csvSafe}). */
  private static final String CSV_SAFE = "CSV_SAFE";
  /** The stored format of a JSONL export with per-event inclusion proofs ({@code proofs}). */
  private static final String JSONL_PROOFS = "JSONL_PROOFS";

  /**
   * How a job's format, {@code csvSafe} and {@code proofs} are stored: {@code JSONL}, {@code
   * JSONL_PROOFS}, {@code CSV}, {@code CSV_SAFE}.
   */
  static String stored(ExportFormat format, boolean csvSafe, boolean proofs) {
    return csvSafe ? CSV_SAFE : proofs ? JSONL_PROOFS : format.name();
  }

  /** The format of a stored job. */
  static ExportFormat ofStored(String stored) {
    return CSV_SAFE.equals(stored) ? CSV : JSONL_PROOFS.equals(stored) ? JSONL : valueOf(stored);
  }

  /** Whether a stored job carries per-event inclusion proofs. */
  static boolean proofs(String stored) {
    return JSONL_PROOFS.equals(stored);
  }

  /** Whether a stored job's CSV is spreadsheet-safe. */
  static boolean csvSafe(String stored) {
    return CSV_SAFE.equals(stored);
  }
}
