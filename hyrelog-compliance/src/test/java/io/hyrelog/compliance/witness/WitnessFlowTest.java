package io.hyrelog.compliance.witness;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.Checkpoint;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.IdSource;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log side as docs/compliance.md describes it, end to end: a chain's checkpoints and
 * consistency proofs from EventLog, signed by the log key, taken to a witness, its cosignatures
 * read back, verified and added to the note; a 409 tells the log where the witness is.
 */
class WitnessFlowTest {
  private static final String NS = "audit.example.com";

  @TempDir
  Path dir;

  @Test
  void chainCheckpoints_areCosignedAsTheChainGrows() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    InMemoryEventStore store = new InMemoryEventStore();
    EventLog log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 1))
        .build();
    WorkspaceRef ws = SampleEvents.workspace(1, DataRegion.EU);
    EventScope chain = EventScope.of(ws);
    Ed25519NoteSigner logKey = Ed25519NoteSigner.fromSeed(NS, new byte[32]);
    SampleEvents samples = new SampleEvents(1);
    List<CosignatureVerifier> trusted;
    try (Witness witness = Witness.builder(Cosigner.of(CosignatureTest.witnessKey()), dir)
        .logPrefix(NS + "/chains/", logKey.verifier()).clock(clock).build()) {
      trusted = List.of(witness.verifier());
      long witnessSize = 0;
      for (int round = 0; round < 4; round++) {
        List<NewEvent> batch = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
          batch.add(samples.next(null));
        }
        log.appendBatch(ws, batch);
        clock.advance(Duration.ofMinutes(1));
        ChainCheckpoint cp = log.checkpoint(NS, chain);
        String text = cp.toCheckpoint().body();
        SignedNote signed = logKey.signNote(text);
        AddCheckpointRequest request = witnessSize == 0
            ? new AddCheckpointRequest(0, List.of(), signed)
            : AddCheckpointRequest.of(log.consistencyProof(chain, witnessSize, cp.size()),
                signed);
        if (round == 2) {
          // A log that lost track of the witness asks from 0 and learns its size from the 409.
          WitnessResponse conflict = witness.addCheckpoint(
              new AddCheckpointRequest(0, List.of(), signed).format());
          assertThat(conflict.httpStatus()).isEqualTo(409);
          assertThat(WitnessResponse.parseConflictSize(conflict.body())).isEqualTo(witnessSize);
        }

        WitnessResponse r = witness.addCheckpoint(request.format());

        assertThat(r.httpStatus()).as(r.body()).isEqualTo(200);
        List<Cosignature> cosignatures = WitnessResponse.parseCosignatures(r.body(), text,
            trusted);
        List<NoteSignature> lines = new ArrayList<>(signed.signatures());
        cosignatures.forEach(c -> lines.add(c.toNoteSignature()));
        SignedNote cosigned = new SignedNote(text, lines);
        assertThat(Checkpoint.verifyNote(cosigned.format(), List.of(logKey.verifier())))
            .isEqualTo(cp.toCheckpoint());
        assertThat(CosignatureVerifier.findAll(SignedNote.parse(cosigned.format()), trusted))
            .containsExactlyElementsOf(cosignatures);
        witnessSize = cp.size();
      }
      assertThat(witness.size(ChainCheckpoint.from(Checkpoint.parse(
          log.checkpoint(NS, chain).toCheckpoint().body())).origin())).isEqualTo(360);
    }
  }
}
