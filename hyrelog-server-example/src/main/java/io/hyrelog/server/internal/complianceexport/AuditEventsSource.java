package io.hyrelog.server.internal.complianceexport;

import io.hyrelog.AuditEvent;
import io.hyrelog.EventScope;
import io.hyrelog.archive.Archival;
import io.hyrelog.compliance.export.ComplianceRecordSource;
import io.hyrelog.export.CsvEventWriter;
import io.hyrelog.export.CsvMode;
import io.hyrelog.export.JsonlEventWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * {@code audit_events}: every event of a company (or of the given categories), chain by chain
 * in seq order, read across the archive boundary with {@link Archival#readChain} (purged seqs
 * come from their verified segments), up to each chain's head when the export starts. JSONL in
 * the core format, or CSV with core's {@link CsvEventWriter}.
 */
final class AuditEventsSource implements ComplianceRecordSource {
  static final String TYPE = "audit_events";
  private final DataSource db;
  private final Archival archival;
  private final Set<String> categories;
  private final CsvMode csv;

  AuditEventsSource(DataSource db, Archival archival, Set<String> categories, CsvMode csv) {
    this.db = db;
    this.archival = archival;
    this.categories = Set.copyOf(categories);
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
    UUID company = UUID.fromString(companyId);
    OutputStream keepOpen = new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        out.flush();
      }
    };
    if (format.equals("csv")) {
      try (CsvEventWriter w = new CsvEventWriter(keepOpen, csv)) {
        each(company, w::write);
      }
    } else {
      try (JsonlEventWriter w = new JsonlEventWriter(keepOpen)) {
        each(company, w::write);
      }
    }
  }

  private interface Sink {
    void accept(AuditEvent e) throws IOException;
  }

  private void each(UUID company, Sink sink) throws IOException {
    for (Head h : heads(company)) {
      if (h.seq() == 0) {
        continue;
      }
      try (Stream<AuditEvent> s = archival.readChain(EventScope.workspace(company,
          h.workspaceId()), 1, h.seq())) {
        Iterator<AuditEvent> it = s.iterator();
        while (it.hasNext()) {
          AuditEvent e = it.next();
          if (categories.isEmpty() || categories.contains(e.category())) {
            sink.accept(e);
          }
        }
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
  }

  private record Head(UUID workspaceId, long seq) {}

  private List<Head> heads(UUID company) throws IOException {
    List<Head> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT workspace_id, seq FROM chain_heads"
            + " WHERE company_id = ? ORDER BY workspace_id")) {
      ps.setObject(1, company);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Head(rs.getObject(1, UUID.class), rs.getLong(2)));
        }
      }
    } catch (SQLException e) {
      throw new IOException("cannot list the chains of company " + company + " (SQLState "
          + e.getSQLState() + ")", e);
    }
    return out;
  }
}
