package io.hyrelog.export;

import io.hyrelog.AuditEvent;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes events as CSV (RFC 4180): a header row, then one record per event; fields separated by
 * commas, records ended by CRLF; a field containing a comma, a double quote, CR or LF is
 * enclosed in double quotes, with each inner double quote doubled. UTF-8 without a byte order
 * mark. Streams: memory does not grow with the number of events. Not thread-safe.
 *
 * <p>Columns ({@link #COLUMNS}): the event fields of the seed system's export ({@code id},
 * {@code timestamp}, {@code category}, {@code action}, the actor, the resource, project and
 * workspace, the request context, {@code metadata}) plus the chain fields {@code seq}, {@code
 * prevHash} and {@code hash}. Absent and erased values are empty fields. Timestamps are RFC 3339
 * UTC with six fractional digits; {@code metadata} is its RFC 8785 canonical JSON text.
 *
 * <p>CSV is for reading, not for proof: it does not carry the personal-data salts and
 * commitments, so it cannot be verified offline (export JSONL for that). Values are written
 * exactly as stored: a cell beginning with {@code = + - @} is <em>not</em> altered to defuse
 * spreadsheet formulas, because an audit export must not change the data it reports. Open
 * exports in a spreadsheet as text (import, not double-click) when their values are untrusted.
 *
 * <p>{@link #close()} flushes and closes the underlying stream.
 */
public final class CsvEventWriter implements Closeable, Flushable {
  /** The header row, in column order. */
  public static final List<String> COLUMNS = List.of(
      "id", "timestamp", "category", "action", "actorId", "actorEmail", "actorRole", "actorName",
      "resourceType", "resourceId", "projectId", "workspaceId", "companyId", "region",
      "recordedAt", "traceId", "ip", "userAgent", "idempotencyKey", "metadata", "seq",
      "prevHash", "hash");

  private final Writer out;
  private long count;

  /** A writer that emits the header row at once. */
  public CsvEventWriter(OutputStream out) throws IOException {
    this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
    for (int i = 0; i < COLUMNS.size(); i++) {
      field(i, COLUMNS.get(i));
    }
    this.out.write("\r\n");
  }

  /** Writes one event record. */
  public void write(AuditEvent e) throws IOException {
    int i = 0;
    field(i++, e.id().toString());
    field(i++, EventJson.formatInstant(e.timestamp()));
    field(i++, e.category());
    field(i++, e.action());
    field(i++, e.actor() == null ? null : e.actor().id());
    field(i++, e.actor() == null ? null : e.actor().email());
    field(i++, e.actor() == null ? null : e.actor().role());
    field(i++, e.actor() == null ? null : e.actor().name());
    field(i++, e.resource() == null ? null : e.resource().type());
    field(i++, e.resource() == null ? null : e.resource().id());
    field(i++, e.projectId() == null ? null : e.projectId().toString());
    field(i++, e.workspaceId().toString());
    field(i++, e.companyId().toString());
    field(i++, e.region().name());
    field(i++, EventJson.formatInstant(e.recordedAt()));
    field(i++, e.context() == null ? null : e.context().traceId());
    field(i++, e.context() == null ? null : e.context().ip());
    field(i++, e.context() == null ? null : e.context().userAgent());
    field(i++, e.idempotencyKey());
    field(i++, e.metadata().canonicalJson());
    field(i++, Long.toString(e.seq()));
    field(i++, e.prevHash().hex());
    field(i, e.hash().hex());
    out.write("\r\n");
    count++;
  }

  private void field(int index, String value) throws IOException {
    if (index > 0) {
      out.write(',');
    }
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

  static boolean needsQuotes(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == ',' || c == '"' || c == '\r' || c == '\n') {
        return true;
      }
    }
    return false;
  }

  /** Records written so far (the header not counted). */
  public long count() {
    return count;
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
