package io.hyrelog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.AuditEvent;
import io.hyrelog.Digest;
import io.hyrelog.EventJson;
import io.hyrelog.EventScope;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.InclusionProof;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify-inclusion} and {@code verify-consistency} on proofs and checkpoints the library
 * produced, and on each thing an attacker could change: the event, the proof, a checkpoint's
 * signature, the pairing of files.
 */
class ProofCommandsTest {
  @TempDir Path dir;

  private final CliFixtures f = new CliFixtures(30); // WS holds 20 events
  private final EventScope ws = EventScope.of(CliFixtures.WS);

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private Path checkpointAt(long size, Ed25519NoteSigner signer) throws Exception {
    ChainCheckpoint cp = f.log.checkpoint("audit.example.com", ws, size);
    return write("cp-" + size + ".txt", signer.signNote(cp.toCheckpoint().body()).format());
  }

  private Path eventFile(int seq) throws Exception {
    AuditEvent e = f.chain(CliFixtures.WS).get(seq - 1);
    return write("event-" + seq + ".json", EventJson.toTree(e).toString());
  }

  private Path key() throws Exception {
    return write("keys.txt", f.signer.verifier().verifierKey() + "\n");
  }

  @Test
  void verifyInclusion_eventInSignedCheckpoint_exit0() throws Exception {
    assertThat(f.chain(CliFixtures.WS)).hasSize(20);
    Path cp = checkpointAt(15, f.signer);
    Path proof = write("proof.json", f.log.inclusionProof(ws, 7, 15).toJson());
    HyrelogCliTest.Result r = HyrelogCliTest.run("verify-inclusion", eventFile(7).toString(),
        proof.toString(), "--checkpoint", cp.toString(), "--public-key", key().toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("included: chain " + CliFixtures.WS.workspaceId() + " seq 7")
        .contains("signatures: checked");
  }

  @Test
  void verifyInclusion_keyAsSigningKeysJson_exit0() throws Exception {
    Path json = write("signing-keys.json", "{\"data\":[{\"name\":\"audit.example.com\","
        + "\"verifierKey\":\"" + f.signer.verifier().verifierKey() + "\",\"active\":true}]}");
    HyrelogCliTest.Result r = HyrelogCliTest.run("verify-inclusion", eventFile(3).toString(),
        write("p.json", f.log.inclusionProof(ws, 3, 20).toJson()).toString(), "--checkpoint",
        checkpointAt(20, f.signer).toString(), "--public-key", json.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
  }

  @Test
  void verifyInclusion_changedEvent_exit1() throws Exception {
    Path cp = checkpointAt(15, f.signer);
    Path proof = write("proof.json", f.log.inclusionProof(ws, 7, 15).toJson());
    String changed = Files.readString(eventFile(7)).replace("\"action\":\"",
        "\"action\":\"x");
    HyrelogCliTest.Result r = HyrelogCliTest.run("verify-inclusion",
        write("changed.json", changed).toString(), proof.toString(), "--checkpoint",
        cp.toString(), "--public-key", key().toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("it was changed");
  }

  @Test
  void verifyInclusion_proofOfAnotherEventOrSize_exit1() throws Exception {
    Path cp = checkpointAt(15, f.signer);
    HyrelogCliTest.Result other = HyrelogCliTest.run("verify-inclusion",
        eventFile(7).toString(), write("p8.json", f.log.inclusionProof(ws, 8, 15).toJson())
            .toString(), "--checkpoint", cp.toString(), "--public-key", key().toString());
    assertThat(other.code()).as(other.out()).isEqualTo(1);
    HyrelogCliTest.Result size = HyrelogCliTest.run("verify-inclusion",
        eventFile(7).toString(), write("p16.json", f.log.inclusionProof(ws, 7, 16).toJson())
            .toString(), "--checkpoint", cp.toString(), "--public-key", key().toString());
    assertThat(size.code()).as(size.out()).isEqualTo(1);
    assertThat(size.out()).contains("tree size 16");
    // A proof whose sibling hashes were altered no longer reaches the root.
    InclusionProof p = f.log.inclusionProof(ws, 7, 15);
    List<Digest> hashes = new ArrayList<>(p.hashes());
    hashes.set(0, Digest.sha256(new byte[] {1}));
    String forged = new InclusionProof(p.leafIndex(), p.treeSize(), p.leafHash(), hashes)
        .toJson();
    HyrelogCliTest.Result bad = HyrelogCliTest.run("verify-inclusion", eventFile(7).toString(),
        write("forged.json", forged).toString(), "--checkpoint", cp.toString(), "--public-key",
        key().toString());
    assertThat(bad.code()).as(bad.out() + bad.err()).isEqualTo(1);
  }

  @Test
  void verifyInclusion_checkpointByAnotherKey_exit1_withoutKey_exit2() throws Exception {
    Ed25519NoteSigner other = Ed25519NoteSigner.fromSeed("audit.example.com", new byte[32]);
    Path proof = write("proof.json", f.log.inclusionProof(ws, 7, 15).toJson());
    HyrelogCliTest.Result forged = HyrelogCliTest.run("verify-inclusion",
        eventFile(7).toString(), proof.toString(), "--checkpoint",
        checkpointAt(15, other).toString(), "--public-key", key().toString());
    assertThat(forged.code()).as(forged.out() + forged.err()).isEqualTo(1);
    HyrelogCliTest.Result noKey = HyrelogCliTest.run("verify-inclusion",
        eventFile(7).toString(), proof.toString(), "--checkpoint",
        checkpointAt(15, f.signer).toString());
    assertThat(noKey.code()).isEqualTo(2);
    assertThat(noKey.err()).contains("--no-signature-check");
    HyrelogCliTest.Result unchecked = HyrelogCliTest.run("verify-inclusion",
        eventFile(7).toString(), proof.toString(), "--checkpoint",
        checkpointAt(15, other).toString(), "--no-signature-check");
    assertThat(unchecked.code()).as(unchecked.out() + unchecked.err()).isZero();
    assertThat(unchecked.out()).contains("signatures: NOT checked");
  }

  @Test
  void verifyConsistency_laterCheckpointExtendsEarlier_exit0_otherwise1() throws Exception {
    Path cp10 = checkpointAt(10, f.signer);
    Path cp20 = checkpointAt(20, f.signer);
    Path proof = write("c.json", f.log.consistencyProof(ws, 10, 20).toJson());
    HyrelogCliTest.Result ok = HyrelogCliTest.run("verify-consistency", cp10.toString(),
        cp20.toString(), proof.toString(), "--public-key", key().toString());
    assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).contains("consistent: chain " + CliFixtures.WS.workspaceId()
        + " from 10 to 20");
    HyrelogCliTest.Result swapped = HyrelogCliTest.run("verify-consistency", cp20.toString(),
        cp10.toString(), proof.toString(), "--public-key", key().toString());
    assertThat(swapped.code()).isEqualTo(1);
    HyrelogCliTest.Result wrongProof = HyrelogCliTest.run("verify-consistency",
        cp10.toString(), cp20.toString(), write("c2.json", f.log.consistencyProof(ws, 9, 20)
            .toJson()).toString(), "--public-key", key().toString());
    assertThat(wrongProof.code()).isEqualTo(1);
    // A fork: a second log of the same chain id whose 20-event tree does not extend the 10.
    CliFixtures fork = new CliFixtures(31);
    ChainCheckpoint forked = fork.log.checkpoint("audit.example.com", ws, 20);
    Path cpFork = write("fork.txt", f.signer.signNote(forked.toCheckpoint().body()).format());
    HyrelogCliTest.Result forkResult = HyrelogCliTest.run("verify-consistency", cp10.toString(),
        cpFork.toString(), write("cf.json", fork.log.consistencyProof(ws, 10, 20).toJson())
            .toString(), "--public-key", key().toString());
    assertThat(forkResult.code()).as(forkResult.out() + forkResult.err()).isEqualTo(1);
  }

  @Test
  void badInput_exit2_withTheFileNamed() throws Exception {
    Path cp = checkpointAt(15, f.signer);
    HyrelogCliTest.Result notProof = HyrelogCliTest.run("verify-inclusion",
        eventFile(7).toString(), write("x.json", "{\"nope\":1}").toString(), "--checkpoint",
        cp.toString(), "--public-key", key().toString());
    assertThat(notProof.code()).isEqualTo(2);
    HyrelogCliTest.Result notEvent = HyrelogCliTest.run("verify-inclusion",
        write("e.json", "[1]").toString(), write("p.json", f.log.inclusionProof(ws, 7, 15)
            .toJson()).toString(), "--checkpoint", cp.toString(), "--public-key",
        key().toString());
    assertThat(notEvent.code()).isEqualTo(2);
    assertThat(notEvent.err()).contains("e.json");
    HyrelogCliTest.Result badJsonKey = HyrelogCliTest.run("verify-consistency", cp.toString(),
        cp.toString(), write("c.json", f.log.consistencyProof(ws, 15, 15).toJson()).toString(),
        "--public-key", write("k.json", "{\"data\":[{\"verifierKey\":5}]}").toString());
    assertThat(badJsonKey.code()).isEqualTo(2);
    assertThat(badJsonKey.err()).contains("/data/0/verifierKey");
    assertThat(List.of(notProof.out(), notEvent.out(), badJsonKey.out())).allMatch(String::isEmpty);
  }
}
