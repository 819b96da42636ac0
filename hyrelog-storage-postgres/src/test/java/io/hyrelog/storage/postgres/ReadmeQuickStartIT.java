package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.Actor;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.EventScope;
import io.hyrelog.NewEvent;
import io.hyrelog.RequestContext;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.log.EventLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The README's library quick start, compiled and run against a real PostgreSQL that holds
 * nothing of HyreLog yet; and the README shows exactly these lines.
 */
class ReadmeQuickStartIT {
  @Test
  void readmeQuickStart_migratesAppendsVerifiesAndCheckpoints() throws Exception {
    try (PostgresFixture.Database db = PostgresFixture.newEmptyDatabase()) {
      DataSource ownerDataSource = db.owner();
      DataSource appDataSource = db.app();
      String appRole = PostgresFixture.APP_ROLE;
      UUID companyId = UUID.randomUUID();
      UUID workspaceId = UUID.randomUUID();
      // --- README quick start begins
      // Once, as the role that owns the schema: HyreLog's tables go into schema "hyrelog",
      // with a Flyway history of their own, beside your application's tables.
      PostgresMigrations.builder(ownerDataSource).applicationRole(appRole).build().migrate();

      // The application connects as a role that can append and read, never update or delete.
      PostgresEventStore store = PostgresEventStore.builder(appDataSource).build(); // close() at shutdown
      EventLog log = EventLog.builder(store).build();
      WorkspaceRef ws = new WorkspaceRef(companyId, workspaceId, DataRegion.EU);

      AuditEvent e = log.append(ws, NewEvent.builder("user", "login")
          .actor(new Actor("u_42", "ada@example.com", "admin", "Ada Lovelace"))
          .context(new RequestContext("trace-1", "203.0.113.7", "Mozilla/5.0"))
          .idempotencyKey("req-0001")
          .build()).event();                    // committed durably when append returns

      VerificationReport report = log.verify(EventScope.of(ws), Optional.empty());
      ChainCheckpoint checkpoint = log.checkpoint("audit.example.com", EventScope.of(ws));
      // --- README quick start ends
      store.close();
      assertThat(e.seq()).isEqualTo(1);
      assertThat(report.ok()).isTrue();
      assertThat(checkpoint.size()).isEqualTo(1);
      assertThat(checkpoint.head()).isEqualTo(e.hash());
    }
  }

  @Test
  void readme_showsTheQuickStartVerbatim() throws Exception {
    Path here = Path.of("src/test/java/io/hyrelog/storage/postgres/ReadmeQuickStartIT.java");
    String source = Files.readString(here);
    String snippet = source.substring(
        source.indexOf("// --- README quick start begins\n") + 33,
        source.indexOf("      // --- README quick start ends"));
    StringBuilder unindented = new StringBuilder();
    snippet.lines().forEach(l -> unindented.append(l.length() >= 6 ? l.substring(6) : l.strip())
        .append('\n'));
    String readme = Files.readString(Path.of("../README.md"));
    assertThat(readme).contains(unindented.toString());
  }
}
