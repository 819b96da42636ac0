package io.hyrelog.export;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Writes CSV records (RFC 4180): fields separated by commas, records ended by CRLF; a field
 * containing a comma, a double quote, CR or LF is enclosed in double quotes, with each inner
 * double quote doubled; a null or empty value is an empty field. UTF-8 without a byte order
 * mark. By default ({@link CsvMode#VERBATIM}) values are written exactly as given (a cell
 * beginning with {@code = + - @} is not altered; see {@link CsvEventWriter}); {@link
 * CsvMode#SPREADSHEET_SAFE} defuses them. Streams: memory does not grow with the number of
 * records. Not thread-safe.
 *
 * <p>{@link #close()} flushes and closes the underlying stream.
 */
public final class CsvWriter implements Closeable, Flushable {
  private final Writer out;
  private final CsvMode mode;
  private int fields;

  /**
   * A writer of values exactly as given ({@link CsvMode#VERBATIM}).
   *
   * @param out where to write
   */
  public CsvWriter(OutputStream out) {
    this(out, CsvMode.VERBATIM);
  }

  /**
   * A writer in {@code mode}.
   *
   * @param out where to write
   * @param mode how values are written
   */
  public CsvWriter(OutputStream out, CsvMode mode) {
    this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
    this.mode = Objects.requireNonNull(mode, "mode");
  }

  /**
   * Writes one whole record.
   *
   * @param values the record's fields
   * @throws java.io.IOException when writing fails
   */
  public void record(List<String> values) throws IOException {
    for (String v : values) {
      field(v);
    }
    endRecord();
  }

  /**
   * Appends a field to the current record.
   *
   * @param value the field's value; null for an empty field
   * @throws java.io.IOException when writing fails
   */
  public void field(String value) throws IOException {
    if (fields++ > 0) {
      out.write(',');
    }
    value = mode.cell(value);
    if (value == null || value.isEmpty()) {
      return;
    }
    if (!needsQuotes(value)) {
      out.write(value);
      return;
    }
    out.write('"');
    int from = 0;
    for (int q = value.indexOf('"'); q >= 0; q = value.indexOf('"', from)) {
      out.write(value, from, q + 1 - from);
      out.write('"');
      from = q + 1;
    }
    out.write(value, from, value.length() - from);
    out.write('"');
  }

  /**
   * Ends the current record (CRLF).
   *
   * @throws java.io.IOException when writing fails
   */
  public void endRecord() throws IOException {
    out.write("\r\n");
    fields = 0;
  }

  static boolean needsQuotes(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == ',' || c == '"' || c == '\r' || c == '\n') {
        return true;
      }
    }
    return false;
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
