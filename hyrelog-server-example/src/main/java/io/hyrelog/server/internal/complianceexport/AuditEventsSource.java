package io.hyrelog.server.internal.complianceexport;

import io.hyrelog.AuditEvent;
import io.hyrelog.archive.Archival;
import io.hyrelog.compliance.export.ComplianceRecordSource;
import io.hyrelog.export.CsvEventWriter;
import io.hyrelog.export.CsvMode;
import io.hyrelog.export.JsonlEventWriter;
import io.hyrelog.storage.postgres.PostgresEventStore;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code audit_events}: every event of a company (or of the given categories), chain by chain
 * in seq order, read across the archive boundary with {@link Archival#readChain} (purged seqs
 * come from their verified segments), up to each chain's head when the export starts. JSONL in
 * the core format, or CSV with core's {@link CsvEventWriter}.
 */
final class AuditEventsSource implements ComplianceRecordSource {
  static final String TYPE = "audit_events";
  private final PostgresEventStore store;
  private final Archival archival;
  private final Set<String> categories;
  private final CsvMode csv;

  AuditEventsSource(PostgresEventStore store, Archival archival, Set<String> categories,
      CsvMode csv) {
    this.store = store;
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
    for (PostgresEventStore.Chain h : store.chains(Optional.of(company))) {
      if (h.headSeq() == 0) {
        continue;
      }
      try (Stream<AuditEvent> s = archival.readChain(h.scope(), 1, h.headSeq())) {
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
}
