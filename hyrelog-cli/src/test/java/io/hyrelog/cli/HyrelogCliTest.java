package io.hyrelog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.AuditEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HyrelogCliTest {
  @TempDir Path dir;

  record Result(int code, String out, String err, byte[] rawOut) {}

  static Result run(byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = HyrelogCli.run(args, new ByteArrayInputStream(stdin),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8), out.toByteArray());
  }

  static Result run(String... args) {
    return run(new byte[0], args);
  }

  @Test
  void canonicalize_validJson_writesCanonicalBytesWithoutNewline() {
    Result r = run("{ \"b\" : [1.0, 1e21, -0], \"a\": \"\\u00e9\" }\n"
        .getBytes(StandardCharsets.UTF_8), "canonicalize");
    assertThat(r.code()).isZero();
    assertThat(r.rawOut()).isEqualTo("{\"a\":\"\u00e9\",\"b\":[1,1e+21,0]}"
        .getBytes(StandardCharsets.UTF_8));
    assertThat(r.err()).isEmpty();
  }

  @Test
  void canonicalize_notIJson_exitsTwoWithOneLineError() {
    for (String bad : new String[] {"{\"a\":1,\"a\":2}", "\"\\ud800\"", "[1e400]", "{", ""}) {
      Result r = run(bad.getBytes(StandardCharsets.UTF_8), "canonicalize");
      assertThat(r.code()).as(bad).isEqualTo(2);
      assertThat(r.out()).as(bad).isEmpty();
      assertThat(r.err().strip()).as(bad).doesNotContain("\n").startsWith("hyrelog canonicalize:");
    }
    Result r = run(new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'}, "canonicalize");
    assertThat(r.code()).isEqualTo(2);
  }

  @Test
  void verify_validExportWithTwoChains_plainAndGzip_exitsZeroAndPrintsRanges()
      throws IOException {
    CliFixtures f = new CliFixtures(30);
    List<AuditEvent> all = new ArrayList<>(f.chain(CliFixtures.WS));
    all.addAll(f.chain(CliFixtures.WS2));
    for (boolean gzip : new boolean[] {false, true}) {
      Path file = dir.resolve(gzip ? "export.jsonl.gz" : "export.jsonl");
      CliFixtures.write(file, all, gzip);
      Result r = run("verify", "--quiet", file.toString());
      assertThat(r.code()).as(r.out() + r.err()).isZero();
      assertThat(r.out()).contains("chain " + CliFixtures.WS.workspaceId() + ": seq 1..20")
          .contains("chain " + CliFixtures.WS2.workspaceId() + ": seq 1..10")
          .contains("head hash      " + f.chain(CliFixtures.WS).get(19).hash().hex())
          .contains("OK: 30 events in 2 chain(s) verified");
    }
  }

  @Test
  void verify_segmentsStartingMidChain_printLinkingHashes() throws IOException {
    CliFixtures f = new CliFixtures(12);
    List<AuditEvent> chain = f.chain(CliFixtures.WS);
    Path file = dir.resolve("segment.jsonl");
    CliFixtures.write(file, chain.subList(3, 8), false);
    Result r = run("verify", file.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("seq 4..8 (5 events)")
        .contains("first prevHash " + chain.get(2).hash().hex());
  }

  @Test
  void verify_tamperedExport_exitsOneNamingSeqAndReason() throws IOException {
    CliFixtures f = new CliFixtures(9);
    Path file = dir.resolve("export.jsonl");
    CliFixtures.write(file, f.chain(CliFixtures.WS), false);
    List<String> lines = Files.readAllLines(file);
    lines.set(3, lines.get(3).replace("\"action\":\"", "\"action\":\"x"));
    Files.write(file, lines);
    Result r = run("verify", file.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("FAILED: HASH_MISMATCH at seq 4").contains("(line 4)")
        .contains("verified up to seq 3");
  }

  @Test
  void verify_lineThatIsNotJson_exitsOneAsMalformed() throws IOException {
    CliFixtures f = new CliFixtures(4); // three events in WS
    Path file = dir.resolve("export.jsonl");
    CliFixtures.write(file, f.chain(CliFixtures.WS), false);
    Files.writeString(file, Files.readString(file) + "{\"seq\":4,\"seq\":5}\n");
    Result r = run("verify", file.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("MALFORMED").contains("line 4").contains("duplicate");
  }

  @Test
  void verify_signedCheckpointWithVerifierKey_matches_andWrongKeyFails() throws IOException {
    CliFixtures f = new CliFixtures(15);
    Path file = f.writeExport(dir);
    Path cp = f.writeCheckpoint(dir);
    Path vkey = dir.resolve("hyrelog.vkey");
    Files.writeString(vkey, f.signer.verifier().verifierKey() + "\n");
    Result ok = run("verify", file.toString(), "--checkpoint", cp.toString(),
        "--public-key", vkey.toString());
    assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).contains("1 checkpoint(s) matched");
    assertThat(ok.err()).doesNotContain("WARNING");

    Path other = dir.resolve("other.vkey");
    byte[] seed = new byte[32];
    Files.writeString(other, io.hyrelog.integrity.Ed25519NoteSigner
        .fromSeed("audit.example.com", seed).verifier().verifierKey());
    Result bad = run("verify", file.toString(), "--checkpoint", cp.toString(),
        "--public-key", other.toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.out()).startsWith("FAILED:");
  }

  @Test
  void verify_checkpointWithPemKey_isVerified() throws Exception {
    CliFixtures f = new CliFixtures(6);
    Path file = f.writeExport(dir);
    Path cp = f.writeCheckpoint(dir);
    byte[] raw = f.signer.verifier().rawPublicKey();
    byte[] spki = java.util.HexFormat.of().parseHex("302a300506032b6570032100");
    byte[] der = new byte[spki.length + 32];
    System.arraycopy(spki, 0, der, 0, spki.length);
    System.arraycopy(raw, 0, der, spki.length, 32);
    KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    Path pem = dir.resolve("key.pem");
    Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(der) + "\n-----END PUBLIC KEY-----\n");
    Result r = run("verify", file.toString(), "--checkpoint", cp.toString(),
        "--public-key", "audit.example.com=" + pem);
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    // A PEM key carries no name: given bare it is refused, with the way to name it.
    Result bare = run("verify", file.toString(), "--checkpoint", cp.toString(),
        "--public-key", pem.toString());
    assertThat(bare.code()).isEqualTo(2);
    assertThat(bare.err()).contains("carries no key name").contains("NAME=" + pem);
    // Named after another log, it checks no signature line of this one.
    Result renamed = run("verify", file.toString(), "--checkpoint", cp.toString(),
        "--public-key", "other.example.net=" + pem);
    assertThat(renamed.code()).isEqualTo(1);
  }

  @Test
  void verify_checkpointOfAnotherLogSignedByATrustedKey_exitsOne() throws IOException {
    CliFixtures f = new CliFixtures(6);
    Path file = dir.resolve("export.jsonl");
    CliFixtures.write(file, f.chain(CliFixtures.WS), false);
    io.hyrelog.integrity.Ed25519NoteSigner other = io.hyrelog.integrity.Ed25519NoteSigner
        .fromSeed("other.example.net", new byte[] {
            7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
            7, 7, 7, 7});
    // other.example.net's key signs a checkpoint in audit.example.com's log.
    Path cp = dir.resolve("checkpoint.txt");
    Files.writeString(cp, other.signNote(f.checkpoint(CliFixtures.WS).toCheckpoint().body())
        .format());
    Result r = run("verify", file.toString(), "--checkpoint", cp.toString(),
        "--public-key", f.signer.verifier().verifierKey(),
        "--public-key", other.verifier().verifierKey());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("FAILED:").contains("origin namespace audit.example.com");
  }

  @Test
  void verify_truncatedTailAgainstCheckpoint_exitsOne() throws IOException {
    CliFixtures f = new CliFixtures(10);
    List<AuditEvent> chain = f.chain(CliFixtures.WS);
    Path file = dir.resolve("export.jsonl");
    CliFixtures.write(file, chain.subList(0, chain.size() - 1), false);
    Path cp = dir.resolve("checkpoint.txt");
    Files.writeString(cp, f.signedCheckpoint(CliFixtures.WS));
    Result r = run("verify", file.toString(), "--checkpoint", cp.toString(),
        "--no-signature-check");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("CHECKPOINT_MISMATCH at seq " + chain.size())
        .contains("signatures: NOT checked");
  }

  @Test
  void verify_checkpointWithoutKey_refusedUnlessNoSignatureCheck() throws IOException {
    CliFixtures f = new CliFixtures(5);
    Path file = f.writeExport(dir);
    Path cp = f.writeCheckpoint(dir);
    Result refused = run("verify", file.toString(), "--checkpoint", cp.toString());
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("--public-key").contains("--no-signature-check");
    assertThat(refused.out()).isEmpty();

    Result unchecked = run("verify", file.toString(), "--checkpoint", cp.toString(),
        "--no-signature-check");
    assertThat(unchecked.code()).as(unchecked.out() + unchecked.err()).isZero();
    assertThat(unchecked.out()).contains("1 checkpoint(s) matched")
        .contains("signatures: NOT checked");
    assertThat(run("verify", file.toString(), "--checkpoint", cp.toString(),
        "--no-signature-check", "--public-key", f.signer.verifier().verifierKey()).code())
        .isEqualTo(2);
  }

  @Test
  void verify_foreignChainWhenOneIsNamed_exitsOneWrongChain() throws IOException {
    CliFixtures f = new CliFixtures(9);
    List<AuditEvent> all = new ArrayList<>(f.chain(CliFixtures.WS));
    all.add(2, f.chain(CliFixtures.WS2).get(0));
    Path file = dir.resolve("export.jsonl");
    CliFixtures.write(file, all, false);
    Result r = run("verify", file.toString(), "--chain",
        CliFixtures.WS.workspaceId().toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("WRONG_CHAIN");
  }

  @Test
  void verify_usageProblems_exitTwoWithAHint() throws IOException {
    assertThat(run("verify", dir.resolve("missing.jsonl").toString()).code()).isEqualTo(2);
    assertThat(run("verify").code()).isEqualTo(2);
    assertThat(run("verify", "--bogus", "x").code()).isEqualTo(2);
    assertThat(run("frobnicate").code()).isEqualTo(2);
    Path file = dir.resolve("export.jsonl");
    Files.writeString(file, "");
    Path cp = dir.resolve("cp.txt");
    Files.writeString(cp, "not a checkpoint\n");
    Result r = run("verify", file.toString(), "--checkpoint", cp.toString(),
        "--no-signature-check");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("is not a HyreLog checkpoint");
    Path key = dir.resolve("k.vkey");
    Files.writeString(key, "garbage\n");
    assertThat(run("verify", file.toString(), "--public-key", key.toString()).code())
        .isEqualTo(2);
  }

  @Test
  void verify_emptyFile_isValidAndSaysSo() throws IOException {
    Path file = dir.resolve("empty.jsonl");
    Files.writeString(file, "");
    Result r = run("verify", file.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("OK: 0 events");
  }

  @Test
  void verify_filteredExport_failsWithoutAllowGaps_passesWithIt() throws IOException {
    CliFixtures f = new CliFixtures(12);
    List<AuditEvent> chain = f.chain(CliFixtures.WS);
    List<AuditEvent> filtered = List.of(chain.get(0), chain.get(1), chain.get(4), chain.get(7));
    Path file = dir.resolve("filtered.jsonl");
    CliFixtures.write(file, filtered, false);
    Result strict = run("verify", "--quiet", file.toString());
    assertThat(strict.code()).isEqualTo(1);
    assertThat(strict.out()).contains("FAILED: GAP at seq 3");
    Result gaps = run("verify", "--quiet", "--allow-gaps", file.toString());
    assertThat(gaps.code()).as(gaps.out() + gaps.err()).isZero();
    assertThat(gaps.out()).contains("seq 1..8 (4 events, 2 gaps)")
        .contains("OK: 4 events in 1 chain(s) verified").contains("gaps: 2");
  }

  @Test
  void verify_allowGapsTamperedEvent_stillExitsOne() throws IOException {
    CliFixtures f = new CliFixtures(12);
    List<AuditEvent> chain = f.chain(CliFixtures.WS);
    Path file = dir.resolve("filtered.jsonl");
    CliFixtures.write(file, List.of(chain.get(0), chain.get(3), chain.get(6)), false);
    List<String> lines = Files.readAllLines(file);
    lines.set(2, lines.get(2).replace("\"action\":\"", "\"action\":\"x"));
    Files.write(file, lines);
    Result r = run("verify", "--allow-gaps", file.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("FAILED: HASH_MISMATCH at seq 7");
  }
}
