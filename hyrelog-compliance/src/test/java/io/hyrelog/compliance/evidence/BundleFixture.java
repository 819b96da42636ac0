package io.hyrelog.compliance.evidence;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import io.hyrelog.testkit.SeededKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Real events, real keys (fixed seeds) and a helper to rewrite a zip entry by entry. */
final class BundleFixture {
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant T1 = Instant.parse("2026-12-01T00:00:00Z");
  static final String NAMESPACE = "audit.example.com";
  static final Ed25519NoteSigner SERVER = SeededKeys.signer(NAMESPACE, 1);
  static final Ed25519NoteSigner ALICE = SeededKeys.signer("alice.compliance", 2);
  static final Ed25519NoteSigner BOB = SeededKeys.signer("bob.security", 3);
  static final Ed25519NoteSigner MALLORY = SeededKeys.signer("mallory", 4);

  final WorkspaceRef ws = SampleEvents.workspace(7, DataRegion.EU);
  final List<AuditEvent> events = new ArrayList<>();

  /** The store the events were appended to (it keeps their Merkle tiles). */
  final InMemoryEventStore store = new InMemoryEventStore();

  BundleFixture(int n) {
    MutableClock clock = new MutableClock(T0.plusSeconds(60));
    EventLog log = EventLog.builder(store).clock(clock).build();
    SampleEvents sample = new SampleEvents(11);
    for (int i = 0; i < n; i++) {
      log.append(ws, sample.next(clock.instant()));
      clock.advance(java.time.Duration.ofMinutes(1));
    }
    try (var s = store.read(EventScope.of(ws), 1, Long.MAX_VALUE)) {
      s.forEach(events::add);
    }
  }

  EvidenceBundle write(Path dir, UUID bundleId) {
    return write(dir, bundleId, SERVER);
  }

  /**
   * The period [T0, T1) of the fixture's chain, with its checkpoint in {@code key}'s log, signed
   * by {@code key}.
   */
  EvidenceBundle write(Path dir, UUID bundleId, Ed25519NoteSigner key) {
    try (PeriodEvents period = period(T0, T1)) {
      return EvidenceBundleWriter.builder(bundleId, ws.companyId(), T0, T1)
          .createdAt(T1.plusSeconds(5)).signer(key)
          .checkpoints(key.verifier().name(), period)
          .build().write(period, dir);
    }
  }

  /** The fixture's chain read from seq 1 for a period. */
  PeriodEvents period(Instant from, Instant to) {
    return PeriodEvents.of(from, to, List.of(() -> events.stream()));
  }

  /** A zip entry's name and bytes. */
  record Entry(String name, byte[] bytes) {}

  static List<Entry> entries(Path zip) throws IOException {
    List<Entry> out = new ArrayList<>();
    try (ZipInputStream z = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        out.add(new Entry(e.getName(), z.readAllBytes()));
      }
    }
    return out;
  }

  static void rewrite(Path zip, List<Entry> entries) throws IOException {
    try (OutputStream f = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(f)) {
      for (Entry e : entries) {
        z.putNextEntry(new ZipEntry(e.name()));
        z.write(e.bytes());
        z.closeEntry();
      }
    }
  }

  static byte[] read(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    in.transferTo(b);
    return b.toByteArray();
  }
}
