package io.hyrelog.cli;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.export.JsonlEventWriter;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.IdSource;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/** Deterministic exports, checkpoints and keys for CLI tests. */
final class CliFixtures {
  static final WorkspaceRef WS = SampleEvents.workspace(21, DataRegion.UK);
  static final WorkspaceRef WS2 = new WorkspaceRef(WS.companyId(),
      SampleEvents.workspace(22, DataRegion.UK).workspaceId(), DataRegion.UK);

  final InMemoryEventStore store = new InMemoryEventStore();
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
  final EventLog log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 3))
      .build();
  final Ed25519NoteSigner signer;

  CliFixtures(int events) {
    SampleEvents samples = new SampleEvents(21);
    for (int i = 0; i < events; i++) {
      log.append(i % 3 == 2 ? WS2 : WS, samples.next(clock.instant().minusSeconds(events - i)));
      clock.advance(Duration.ofMillis(3));
    }
    byte[] seed = new byte[32];
    for (int i = 0; i < 32; i++) {
      seed[i] = (byte) (100 + i);
    }
    signer = Ed25519NoteSigner.fromSeed("audit.example.com", seed);
  }

  List<AuditEvent> chain(WorkspaceRef ws) {
    try (Stream<AuditEvent> s = store.read(EventScope.of(ws), 1, Long.MAX_VALUE)) {
      return s.collect(Collectors.toList());
    }
  }

  static void write(Path file, List<AuditEvent> events, boolean gzip) throws IOException {
    OutputStream out = Files.newOutputStream(file);
    if (gzip) {
      out = new GZIPOutputStream(out);
    }
    try (JsonlEventWriter w = new JsonlEventWriter(out)) {
      for (Iterator<AuditEvent> it = events.iterator(); it.hasNext(); ) {
        w.write(it.next());
      }
    }
  }

  ChainCheckpoint checkpoint(WorkspaceRef ws) {
    return log.checkpoint("audit.example.com", EventScope.of(ws));
  }

  /** The chain of {@link #WS} as {@code dir/export.jsonl}. */
  Path writeExport(Path dir) throws IOException {
    Path file = dir.resolve("export.jsonl");
    write(file, chain(WS), false);
    return file;
  }

  /** The signed checkpoint of {@link #WS} as {@code dir/checkpoint.txt}. */
  Path writeCheckpoint(Path dir) throws IOException {
    return Files.writeString(dir.resolve("checkpoint.txt"), signedCheckpoint(WS));
  }

  /** The checkpoint of {@code ws} as a signed note. */
  String signedCheckpoint(WorkspaceRef ws) {
    return signer.signNote(checkpoint(ws).toCheckpoint().body()).format();
  }
}
