package io.hyrelog.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.Actor;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.Metadata;
import io.hyrelog.NewEvent;
import io.hyrelog.PendingEvent;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.RequestContext;
import io.hyrelog.Resource;
import io.hyrelog.TestChains;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.IdSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CsvEventWriterTest {
  private static final WorkspaceRef WS = new WorkspaceRef(
      UUID.fromString("0192f0c1-0000-7000-8000-00000000c0de"),
      UUID.fromString("0192f0c1-0000-7000-8000-0000000000a1"), DataRegion.EU);

  /** Events whose values need every kind of quoting, sealed deterministically. */
  static List<AuditEvent> tricky() {
    Clock clock = Clock.fixed(TestChains.T0, ZoneOffset.UTC);
    IdSource ids = IdSource.seeded(clock, 7);
    PersonalDataPolicy policy = PersonalDataPolicy.defaults();
    List<NewEvent> in = List.of(
        NewEvent.builder("user", "login")
            .timestamp(TestChains.T0.minusSeconds(5))
            .actor(new Actor("u,1", "ada@example.com", "admin", "Ada \"The Countess\" Lovelace"))
            .resource(new Resource("doc", "line1\r\nline2"))
            .metadata(Metadata.parse("{\"b\":\"x,y\",\"a\":\"say \\\"hi\\\"\",\"n\":[1,2]}"))
            .context(new RequestContext("t-1", "203.0.113.7", "Mozilla/5.0 (X11; Linux)"))
            .idempotencyKey("k-1")
            .build(),
        NewEvent.builder("billing", "=HYPERLINK(\"http://x\")")
            .timestamp(TestChains.T0.minusSeconds(4))
            .actor(new Actor(null, null, null, "Zoë \u00e9\u4e2d\u6587 \uD83D\uDE00"))
            .metadata(Metadata.parse("{\"note\":\"lf only\\nhere\"}"))
            .build(),
        NewEvent.builder("user", "logout").timestamp(TestChains.T0.minusSeconds(3)).build());
    List<AuditEvent> out = new ArrayList<>();
    Digest prev = Digest.ZERO;
    for (int i = 0; i < in.size(); i++) {
      AuditEvent e = PendingEvent.prepare(WS, in.get(i), TestChains.T0, ids, policy)
          .seal(i + 1, prev);
      out.add(e);
      prev = e.hash();
    }
    return out;
  }

  private static byte[] csv(List<AuditEvent> events) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CsvEventWriter w = new CsvEventWriter(out)) {
      for (AuditEvent e : events) {
        w.write(e);
      }
      assertThat(w.count()).isEqualTo(events.size());
    }
    return out.toByteArray();
  }

  @Test
  void write_trickyValues_matchesGoldenFile() throws IOException {
    byte[] golden;
    try (InputStream in = getClass().getResourceAsStream("/export/events-golden.csv")) {
      golden = in.readAllBytes();
    }
    byte[] actual = csv(tricky());
    if (!java.util.Arrays.equals(actual, golden)) {
      // for review when the format changes on purpose
      java.nio.file.Files.write(java.nio.file.Path.of("target", "events-golden.actual.csv"),
          actual);
    }
    assertThat(new String(actual, StandardCharsets.UTF_8))
        .isEqualTo(new String(golden, StandardCharsets.UTF_8));
  }

  @Test
  void write_anyEvents_headerFirstNoBomCrlfRecords() throws IOException {
    byte[] b = csv(List.of());
    assertThat(new String(b, StandardCharsets.UTF_8))
        .isEqualTo(String.join(",", CsvEventWriter.COLUMNS) + "\r\n");
    assertThat(b[0]).isEqualTo((byte) 'i');
  }

  @Test
  void write_trickyValues_parseBackToTheSameFields() throws IOException {
    List<AuditEvent> events = tricky();
    List<List<String>> rows = Rfc4180Reader.parse(new String(csv(events), StandardCharsets.UTF_8));
    assertThat(rows).hasSize(events.size() + 1);
    assertThat(rows.get(0)).isEqualTo(CsvEventWriter.COLUMNS);
    for (int i = 0; i < events.size(); i++) {
      AuditEvent e = events.get(i);
      List<String> r = rows.get(i + 1);
      assertThat(r).hasSize(CsvEventWriter.COLUMNS.size());
      assertThat(r.get(0)).isEqualTo(e.id().toString());
      assertThat(r.get(3)).isEqualTo(e.action());
      assertThat(r.get(7)).isEqualTo(e.actor() == null || e.actor().name() == null ? ""
          : e.actor().name());
      assertThat(r.get(19)).isEqualTo(e.metadata().canonicalJson());
      assertThat(r.get(20)).isEqualTo(Long.toString(e.seq()));
      assertThat(r.get(22)).isEqualTo(e.hash().hex());
    }
    assertThat(rows.get(1).get(9)).isEqualTo("line1\r\nline2");
  }

  @Test
  void write_formulaLikeValue_isWrittenVerbatim() throws IOException {
    String text = new String(csv(tricky()), StandardCharsets.UTF_8);
    // quoted only because it holds double quotes; never prefixed or otherwise altered
    assertThat(text).contains(",\"=HYPERLINK(\"\"http://x\"\")\",");
  }
}
