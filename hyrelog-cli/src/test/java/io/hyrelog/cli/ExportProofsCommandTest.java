package io.hyrelog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.AuditEvent;
import io.hyrelog.Digest;
import io.hyrelog.EventJson;
import io.hyrelog.EventScope;
import io.hyrelog.export.EventProofs;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.InclusionProof;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify EXPORT --proofs PROOFS}: a filtered export (two chains, every other event) with
 * the proofs the library computes in each chain's signed checkpoint verifies; each thing an
 * attacker could change fails with its stable reason: a changed event, a proof moved to another
 * event, a forged sibling hash, a checkpoint by another key, a proof missing or one too many.
 */
class ExportProofsCommandTest {
  @TempDir Path dir;

  private final CliFixtures f = new CliFixtures(30); // WS: 20 events, WS2: 10

  /** Every other event of each chain, chain after chain: a filtered export. */
  private List<AuditEvent> exported() {
    List<AuditEvent> out = new ArrayList<>();
    for (var ws : List.of(CliFixtures.WS, CliFixtures.WS2)) {
      List<AuditEvent> chain = f.chain(ws);
      for (int i = 0; i < chain.size(); i += 2) {
        out.add(chain.get(i));
      }
    }
    return out;
  }

  /** The proofs lines of {@code events}: checkpoints at each chain's head by {@code signer}. */
  private List<String> proofs(List<AuditEvent> events, Ed25519NoteSigner signer)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventProofs.Writer w = new EventProofs.Writer(out);
    for (var ws : List.of(CliFixtures.WS, CliFixtures.WS2)) {
      w.write(new EventProofs.CheckpointLine(ws.workspaceId(), signer.signNote(
          f.checkpoint(ws).toCheckpoint().body()).format()));
    }
    for (AuditEvent e : events) {
      long size = f.chain(e.workspaceId().equals(CliFixtures.WS.workspaceId()) ? CliFixtures.WS
          : CliFixtures.WS2).size();
      w.write(new EventProofs.ProofLine(e.workspaceId(), e.seq(),
          f.log.inclusionProof(EventScope.workspace(e.companyId(), e.workspaceId()), e.seq(),
              size)));
    }
    return new ArrayList<>(List.of(out.toString(StandardCharsets.UTF_8).split("\n")));
  }

  private Path export(List<String> lines) throws Exception {
    return Files.writeString(dir.resolve("export.jsonl"), String.join("\n", lines) + "\n");
  }

  private static List<String> lines(List<AuditEvent> events) {
    List<String> out = new ArrayList<>();
    events.forEach(e -> out.add(EventJson.toTree(e).toString()));
    return out;
  }

  private HyrelogCliTest.Result verify(List<String> export, List<String> proofs,
      String... extra) throws Exception {
    Path p = Files.writeString(dir.resolve("proofs.jsonl"), String.join("\n", proofs) + "\n");
    Path key = Files.writeString(dir.resolve("keys.txt"), f.signer.verifier().verifierKey()
        + "\n");
    List<String> args = new ArrayList<>(List.of("verify", export(export).toString(), "--proofs",
        p.toString(), "--allow-gaps", "--quiet"));
    if (extra.length == 0) {
      args.addAll(List.of("--public-key", key.toString()));
    }
    args.addAll(List.of(extra));
    return HyrelogCliTest.run(args.toArray(String[]::new));
  }

  @Test
  void verify_filteredExportWithItsProofs_exit0() throws Exception {
    List<AuditEvent> events = exported();
    assertThat(events).hasSize(15);
    HyrelogCliTest.Result r = verify(lines(events), proofs(events, f.signer));
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("proofs: 15 events each proven in its chain's signed"
        + " checkpoint (2 checkpoint(s)");
  }

  @Test
  void verify_changedEvent_exit1_hashMismatch() throws Exception {
    List<AuditEvent> events = exported();
    List<String> export = lines(events);
    export.set(3, export.get(3).replace("\"action\":\"", "\"action\":\"x"));
    HyrelogCliTest.Result r = verify(export, proofs(events, f.signer));
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("FAILED").contains("seq " + events.get(3).seq());
  }

  @Test
  void verify_proofMovedToAnotherEvent_exit1_otherEvent() throws Exception {
    List<AuditEvent> events = exported();
    List<String> proofs = proofs(events, f.signer);
    // Lines 0-1 are the checkpoints; swap the proofs of the 3rd and 4th events.
    String third = proofs.get(4);
    proofs.set(4, proofs.get(5));
    proofs.set(5, third);
    HyrelogCliTest.Result r = verify(lines(events), proofs);
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("FAILED: OTHER_EVENT at seq " + events.get(2).seq())
        .contains("the first 2 events were proven");
  }

  @Test
  void verify_proofRelabelledForAnotherEvent_exit1_otherEvent() throws Exception {
    // The proof of event 3 with event 4's chain and seq on its line: the leaf still differs.
    List<AuditEvent> events = exported();
    List<String> proofs = proofs(events, f.signer);
    proofs.set(5, proofs.get(4).replace("\"seq\":" + events.get(2).seq() + ",",
        "\"seq\":" + events.get(3).seq() + ","));
    HyrelogCliTest.Result r = verify(lines(events), proofs);
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("FAILED: OTHER_EVENT at seq " + events.get(3).seq());
  }

  @Test
  void verify_forgedSiblingHash_exit1_rootMismatch() throws Exception {
    List<AuditEvent> events = exported();
    List<String> proofs = proofs(events, f.signer);
    AuditEvent e = events.get(4);
    InclusionProof p = f.log.inclusionProof(EventScope.workspace(e.companyId(),
        e.workspaceId()), e.seq(), 20);
    List<Digest> hashes = new ArrayList<>(p.hashes());
    hashes.set(1, Digest.sha256(new byte[] {7}));
    proofs.set(6, "{\"workspaceId\":\"" + e.workspaceId() + "\",\"seq\":" + e.seq()
        + ",\"proof\":" + new InclusionProof(p.leafIndex(), p.treeSize(), p.leafHash(), hashes)
        .toJson() + "}");
    HyrelogCliTest.Result r = verify(lines(events), proofs);
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("FAILED: ROOT_MISMATCH at seq " + e.seq());
  }

  @Test
  void verify_checkpointByAnotherKey_exit1_untrustedCheckpoint() throws Exception {
    Ed25519NoteSigner other = Ed25519NoteSigner.fromSeed("audit.example.com", new byte[32]);
    List<AuditEvent> events = exported();
    HyrelogCliTest.Result r = verify(lines(events), proofs(events, other));
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("FAILED: UNTRUSTED_CHECKPOINT");
    // Unchecked, the same proofs hold (and the output says nobody vouched for them).
    HyrelogCliTest.Result unchecked = verify(lines(events), proofs(events, other),
        "--no-signature-check");
    assertThat(unchecked.code()).as(unchecked.out() + unchecked.err()).isZero();
    assertThat(unchecked.out()).contains("signatures: NOT checked");
  }

  @Test
  void verify_proofsMissingOrExtra_exit1() throws Exception {
    List<AuditEvent> events = exported();
    List<String> proofs = proofs(events, f.signer);
    HyrelogCliTest.Result missing = verify(lines(events), proofs.subList(0,
        proofs.size() - 1));
    assertThat(missing.code()).as(missing.out() + missing.err()).isEqualTo(1);
    assertThat(missing.out()).contains("FAILED: MISSING_PROOF at seq "
        + events.get(events.size() - 1).seq());
    HyrelogCliTest.Result extra = verify(lines(events.subList(0, events.size() - 1)), proofs);
    assertThat(extra.code()).as(extra.out() + extra.err()).isEqualTo(1);
    assertThat(extra.out()).contains("FAILED: EXTRA_PROOF");
  }

  @Test
  void verify_proofsWithoutKeyOrOfABundle_exit2() throws Exception {
    List<AuditEvent> events = exported();
    Path p = Files.writeString(dir.resolve("p.jsonl"), String.join("\n", proofs(events,
        f.signer)));
    HyrelogCliTest.Result noKey = HyrelogCliTest.run("verify", export(lines(events)).toString(),
        "--proofs", p.toString(), "--allow-gaps");
    assertThat(noKey.code()).isEqualTo(2);
    assertThat(noKey.err()).contains("--public-key");
    Path notProofs = Files.writeString(dir.resolve("n.jsonl"), "{\"workspaceId\":1}\n");
    HyrelogCliTest.Result malformed = HyrelogCliTest.run("verify",
        export(lines(events)).toString(), "--proofs", notProofs.toString(), "--allow-gaps",
        "--no-signature-check");
    assertThat(malformed.code()).as(malformed.out() + malformed.err()).isEqualTo(1);
    assertThat(malformed.out()).contains("MALFORMED_PROOF");
  }
}
