package io.hyrelog.export;

import io.hyrelog.AuditEvent;
import io.hyrelog.EventJson;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes events as CSV (RFC 4180): a header row, then one record per event; fields separated by
 * commas, records ended by CRLF; a field containing a comma, a double quote, CR or LF is
 * enclosed in double quotes, with each inner double quote doubled. UTF-8 without a byte order
 * mark ({@link CsvWriter}). Streams: memory does not grow with the number of events. Not
 * thread-safe.
 *
 * <p>Columns ({@link #COLUMNS}): the event fields of the seed system's export ({@code id},
 * {@code timestamp}, {@code category}, {@code action}, the actor, the resource, project and
 * workspace, the request context, {@code metadata}) plus the chain fields {@code seq}, {@code
 * prevHash} and {@code hash}. Absent and erased values are empty fields. Timestamps are RFC 3339
 * UTC with six fractional digits; {@code metadata} is its RFC 8785 canonical JSON text.
 *
 * <p>CSV is for reading, not for proof: it does not carry the personal-data salts and
 * commitments, so it cannot be verified offline (export JSONL for that). Values are written
 * exactly as stored by default: a cell beginning with {@code = + - @} is <em>not</em> altered to
 * defuse spreadsheet formulas, because an audit export must not change the data it reports.
 * Open such exports in a spreadsheet as text (import, not double-click) when their values are
 * untrusted, or write them with {@link CsvMode#SPREADSHEET_SAFE}, which prefixes those cells
 * (and cells beginning with TAB or CR) with a single quote.
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

  private final CsvWriter out;
  private long count;

  /**
   * A writer of values exactly as stored that emits the header row at once.
   *
   * @param out where to write; not closed until {@link #close()}
   * @throws java.io.IOException when writing the header fails
   */
  public CsvEventWriter(OutputStream out) throws IOException {
    this(out, CsvMode.VERBATIM);
  }

  /**
   * A writer in {@code mode} that emits the header row at once.
   *
   * @param out where to write; not closed until {@link #close()}
   * @param mode how values are written
   * @throws java.io.IOException when writing the header fails
   */
  public CsvEventWriter(OutputStream out, CsvMode mode) throws IOException {
    this.out = new CsvWriter(out, mode);
    this.out.record(COLUMNS);
  }

  /**
   * Writes one event record.
   *
   * @param e the event
   * @throws java.io.IOException when writing fails
   */
  public void write(AuditEvent e) throws IOException {
    out.field(e.id().toString());
    out.field(EventJson.formatInstant(e.timestamp()));
    out.field(e.category());
    out.field(e.action());
    out.field(e.actor() == null ? null : e.actor().id());
    out.field(e.actor() == null ? null : e.actor().email());
    out.field(e.actor() == null ? null : e.actor().role());
    out.field(e.actor() == null ? null : e.actor().name());
    out.field(e.resource() == null ? null : e.resource().type());
    out.field(e.resource() == null ? null : e.resource().id());
    out.field(e.projectId() == null ? null : e.projectId().toString());
    out.field(e.workspaceId().toString());
    out.field(e.companyId().toString());
    out.field(e.region().name());
    out.field(EventJson.formatInstant(e.recordedAt()));
    out.field(e.context() == null ? null : e.context().traceId());
    out.field(e.context() == null ? null : e.context().ip());
    out.field(e.context() == null ? null : e.context().userAgent());
    out.field(e.idempotencyKey());
    out.field(e.metadata().canonicalJson());
    out.field(Long.toString(e.seq()));
    out.field(e.prevHash().hex());
    out.field(e.hash().hex());
    out.endRecord();
    count++;
  }

  /**
   * Records written so far (the header not counted).
   *
   * @return the number of records
   */
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
