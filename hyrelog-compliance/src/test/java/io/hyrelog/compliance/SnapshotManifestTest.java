package io.hyrelog.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.IdSource;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SnapshotManifestTest {
  private static final Instant FROM = Instant.parse("2026-03-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-03-02T00:00:00Z");
  private final WorkspaceRef ws = SampleEvents.workspace(5, DataRegion.EU);

  private List<AuditEvent> chain(int n) {
    InMemoryEventStore store = new InMemoryEventStore();
    MutableClock clock = new MutableClock(FROM);
    EventLog log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 1))
        .build();
    SampleEvents samples = new SampleEvents(5);
    for (int i = 0; i < n; i++) {
      log.append(ws, samples.next(clock.instant()));
    }
    try (Stream<AuditEvent> s = store.read(EventScope.of(ws), 1, Long.MAX_VALUE)) {
      return s.collect(Collectors.toList());
    }
  }

  @Test
  void seal_rangeMidChain_rootOverThatRangeAndLinks() {
    List<AuditEvent> events = chain(10);
    ChainSeal.Builder b = new ChainSeal.Builder(ws.workspaceId());
    MerkleTree expected = new MerkleTree();
    for (AuditEvent e : events.subList(3, 8)) {
      b.add(e);
      expected.append(e.hash());
    }
    ChainSeal seal = b.build();
    assertThat(seal.firstSeq()).isEqualTo(4);
    assertThat(seal.lastSeq()).isEqualTo(8);
    assertThat(seal.count()).isEqualTo(5);
    assertThat(seal.merkleRoot()).isEqualTo(expected.root());
    assertThat(seal.firstPrevHash()).isEqualTo(events.get(2).hash());
    assertThat(seal.headHash()).isEqualTo(events.get(7).hash());
  }

  @Test
  void seal_gapOrBrokenLink_refused() {
    List<AuditEvent> events = chain(4);
    ChainSeal.Builder gap = new ChainSeal.Builder(ws.workspaceId()).add(events.get(0));
    assertThatThrownBy(() -> gap.add(events.get(2))).isInstanceOf(HyrelogException.class)
        .hasMessageContaining("jumps from seq 1 to 3");
  }

  @Test
  void manifest_canonicalBytes_roundTrip_andTamperingDetected() {
    List<AuditEvent> events = chain(3);
    ChainSeal.Builder b = new ChainSeal.Builder(ws.workspaceId());
    events.forEach(b::add);
    SnapshotManifest m = new SnapshotManifest(UUID.nameUUIDFromBytes(new byte[] {1}),
        ws.companyId(), FROM, TO, List.of(b.build()));
    byte[] bytes = m.toBytes();
    assertThat(SnapshotManifest.parse(bytes)).isEqualTo(m);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .contains("\"totals\":{\"chains\":1,\"events\":3}");
    byte[] tampered = new String(bytes, StandardCharsets.UTF_8)
        .replace("\"count\":3", "\"count\":4").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> SnapshotManifest.parse(tampered))
        .isInstanceOf(HyrelogException.class);
  }

  @Test
  void manifest_noChains_isValid() {
    SnapshotManifest m = new SnapshotManifest(UUID.randomUUID(), ws.companyId(), FROM, TO,
        List.of());
    assertThat(m.events()).isZero();
    assertThat(SnapshotManifest.parse(m.toBytes())).isEqualTo(m);
  }

  @Test
  void statement_signedNote_verifiesAndParsesBack() {
    SnapshotManifest m = new SnapshotManifest(UUID.randomUUID(), ws.companyId(), FROM, TO,
        List.of());
    Ed25519NoteSigner signer = Ed25519NoteSigner.fromSeed("audit.example.com", new byte[32]);
    SnapshotStatement st = SnapshotStatement.of("audit.example.com", m);
    SignedNote note = SignedNote.parse(st.sign(signer));
    note.verify(List.of(signer.verifier()));
    assertThat(SnapshotStatement.parse(note.text())).isEqualTo(st);
    assertThat(st.manifestSha256()).isEqualTo(m.sha256());
    assertThatThrownBy(() -> SnapshotStatement.parse(note.text().replace("events 0",
        "events 00"))).isInstanceOf(HyrelogException.class);
  }
}
