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

  /** How a job's format and {@code csvSafe} are stored: {@code JSONL}, {@code CSV}, {@code CSV_SAFE}. */
  static String stored(ExportFormat format, boolean csvSafe) {
    return csvSafe ? CSV_SAFE : format.name();
  }

  /** The format of a stored job. */
  static ExportFormat ofStored(String stored) {
    return CSV_SAFE.equals(stored) ? CSV : valueOf(stored);
  }

  /** Whether a stored job's CSV is spreadsheet-safe. */
  static boolean csvSafe(String stored) {
    return CSV_SAFE.equals(stored);
  }
}
