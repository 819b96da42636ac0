package io.hyrelog.export;

/** How {@link CsvWriter} and {@link CsvEventWriter} write cell values. */
public enum CsvMode {
  /** Every value exactly as given: what an audit export reports (the default). */
  VERBATIM,
  /**
   * Spreadsheet-safe (OWASP CSV injection): a value beginning with {@code =}, {@code +},
   * {@code -}, {@code @}, TAB or CR gets a single quote ({@code '}) in front, so a spreadsheet
   * shows it as text instead of evaluating it as a formula. The cell then no longer holds the
   * stored value byte for byte; use it for files meant to be opened in a spreadsheet.
   */
  SPREADSHEET_SAFE;

  /** The cell to write for {@code value} in this mode. */
  String cell(String value) {
    if (this == SPREADSHEET_SAFE && value != null && !value.isEmpty()) {
      char c = value.charAt(0);
      if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') {
        return "'" + value;
      }
    }
    return value;
  }
}
