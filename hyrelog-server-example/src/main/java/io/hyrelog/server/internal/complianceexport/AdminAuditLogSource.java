package io.hyrelog.server.internal.complianceexport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.compliance.export.ComplianceRecordSource;
import io.hyrelog.export.CsvMode;
import io.hyrelog.export.CsvWriter;
import io.hyrelog.EventJson;
import io.hyrelog.Jcs;
import io.hyrelog.spi.AdminAuditLog;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code admin_audit_log}: the company's entries of the dashboard's admin audit log (every
 * action of a dashboard user that named the company, allowed or refused), oldest first, read
 * from a cursor ({@link AdminAuditLog#read}). One record per entry with the fields of
 * {@link #COLUMNS}: JSONL writes each as one RFC 8785 canonical JSON object per line (absent
 * values {@code null}, {@code id} a number, {@code details} the entry's JSON object), CSV as
 * RFC 4180 records after a header row (absent values empty, {@code details} its canonical JSON
 * text). Times are RFC 3339 UTC with six fractional digits. The log holds no secrets: actor,
 * action, target, outcome, details and request id only (the dashboard token and API keys are
 * never written to it).
 */
final class AdminAuditLogSource implements ComplianceRecordSource {
  static final String TYPE = "admin_audit_log";
  /** The fields of a record, in CSV column order. */
  static final List<String> COLUMNS = List.of("id", "at", "actorUserId", "actorEmail",
      "actorRole", "companyId", "action", "target", "outcome", "details", "requestId");

  private final AdminAuditLog log;
  private final CsvMode csv;

  AdminAuditLogSource(AdminAuditLog log, CsvMode csv) {
    this.log = log;
    this.csv = csv;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public boolean supports(String format) {
    return ComplianceExportJob.FORMATS.contains(format);
  }

  @Override
  public void write(String companyId, String format, OutputStream out) throws IOException {
    try (Stream<AdminAuditLog.Entry> entries = log.read(UUID.fromString(companyId))) {
      write(entries.iterator(), format, csv, out);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Writes {@code entries} in {@code format} to {@code out}, flushing but not closing it. */
  static void write(Iterator<AdminAuditLog.Entry> entries, String format, CsvMode csv,
      OutputStream out) throws IOException {
    if (format.equals("csv")) {
      CsvWriter w = new CsvWriter(out, csv);
      w.record(COLUMNS);
      while (entries.hasNext()) {
        w.record(fields(entries.next()));
      }
      w.flush();
    } else {
      OutputStream buffered = new BufferedOutputStream(out, 64 * 1024);
      while (entries.hasNext()) {
        Jcs.write(json(entries.next()), buffered);
        buffered.write('\n');
      }
      buffered.flush();
    }
  }

  static ObjectNode json(AdminAuditLog.Entry e) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("id", e.id());
    n.put("at", EventJson.formatInstant(e.at()));
    n.put("actorUserId", e.actorUserId());
    n.put("actorEmail", e.actorEmail());
    n.put("actorRole", e.actorRole());
    n.put("companyId", e.companyId().map(UUID::toString).orElse(null));
    n.put("action", e.action());
    n.put("target", e.target().orElse(null));
    n.put("outcome", e.outcome());
    n.set("details", details(e));
    n.put("requestId", e.requestId().orElse(null));
    return n;
  }

  static List<String> fields(AdminAuditLog.Entry e) {
    return Arrays.asList(Long.toString(e.id()), EventJson.formatInstant(e.at()),
        e.actorUserId(), e.actorEmail(), e.actorRole(),
        e.companyId().map(UUID::toString).orElse(null), e.action(), e.target().orElse(null),
        e.outcome(), new String(Jcs.canonicalize(details(e)), StandardCharsets.UTF_8),
        e.requestId().orElse(null));
  }

  private static JsonNode details(AdminAuditLog.Entry e) {
    return Jcs.parse(e.details().toString());
  }
}
