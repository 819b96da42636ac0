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
}
