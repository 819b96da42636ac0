package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.Actor;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.NewEvent;
import io.hyrelog.RequestContext;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.spi.EventStore;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The README's library quick start on the in-memory store (the README's own snippet, on
 * PostgreSQL, is ReadmeQuickStartIT's).
 */
class ReadmeExampleTest {
  @Test
  void readmeSnippet_appendsVerifiesAndCheckpoints() {
    UUID companyId = UUID.randomUUID();
    UUID workspaceId = UUID.randomUUID();
    // --- README snippet begins
    EventStore store = new InMemoryEventStore();          // or PostgresEventStore.builder(dataSource).build()
    EventLog log = EventLog.builder(store).build();
    WorkspaceRef ws = new WorkspaceRef(companyId, workspaceId, DataRegion.EU);

    AuditEvent e = log.append(ws, NewEvent.builder("user", "login")
        .actor(new Actor("u_42", "ada@example.com", "admin", "Ada Lovelace"))
        .context(new RequestContext("trace-1", "203.0.113.7", "Mozilla/5.0"))
        .idempotencyKey("req-0001")
        .build()).event();

    VerificationReport report = log.verify(EventScope.of(ws), Optional.empty());
    ChainCheckpoint checkpoint = log.checkpoint("audit.example.com", EventScope.of(ws));
    // --- README snippet ends
    assertThat(e.seq()).isEqualTo(1);
    assertThat(report.ok()).isTrue();
    assertThat(checkpoint.size()).isEqualTo(1);
    assertThat(checkpoint.head()).isEqualTo(e.hash());
  }
}
