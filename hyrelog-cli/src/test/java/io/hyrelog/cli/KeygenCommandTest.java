package io.hyrelog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.EventScope;
import io.hyrelog.compliance.Ed25519Keys;
import io.hyrelog.compliance.PemNoteSigner;
import io.hyrelog.integrity.Checkpoint;
import io.hyrelog.integrity.SignedNote;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeygenCommandTest {
  @TempDir Path dir;

  @Test
  void keygen_writesPairAndPrintsIdAndVerifierKey_neverThePrivateKey() throws Exception {
    HyrelogCliTest.Result r = HyrelogCliTest.run("keygen", "--name", "audit.example.com",
        "--out", dir.toString());
    assertThat(r.code()).as(r.err()).isZero();
    Path key = dir.resolve("audit.example.com.key.pem");
    Path pub = dir.resolve("audit.example.com.pub.pem");
    assertThat(Files.getPosixFilePermissions(key))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    PemNoteSigner signer = Ed25519Keys.readSigner("audit.example.com", key);
    assertThat(Ed25519Keys.readVerifier("audit.example.com", pub)).isEqualTo(signer.verifier());
    assertThat(r.out()).contains("key id:       " + signer.keyId())
        .contains("verifier key: " + signer.verifier().verifierKey());
    String keyBody = Files.readString(key).split("\n")[1];
    assertThat(r.out() + r.err()).doesNotContain(keyBody).doesNotContain("PRIVATE KEY-----");
  }

  @Test
  void keygen_existingFiles_refusedAndUntouched() throws Exception {
    assertThat(HyrelogCliTest.run("keygen", "--name", "k", "--out", dir.toString()).code())
        .isZero();
    String before = Files.readString(dir.resolve("k.key.pem"));
    HyrelogCliTest.Result again = HyrelogCliTest.run("keygen", "--name", "k", "--out",
        dir.toString());
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("already exists");
    assertThat(Files.readString(dir.resolve("k.key.pem"))).isEqualTo(before);
  }

  @Test
  void keygen_badName_exitsTwo() {
    HyrelogCliTest.Result r = HyrelogCliTest.run("keygen", "--name", "a+b", "--out",
        dir.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--name 'a+b'");
    assertThat(HyrelogCliTest.run("keygen").code()).isEqualTo(2);
  }

  @Test
  void verify_withKeygenPublicPem_acceptsCheckpointSignedByTheKeygenKey() throws Exception {
    assertThat(HyrelogCliTest.run("keygen", "--name", "audit.example.com", "--out",
        dir.toString()).code()).isZero();
    PemNoteSigner signer = Ed25519Keys.readSigner("audit.example.com",
        dir.resolve("audit.example.com.key.pem"));
    CliFixtures f = new CliFixtures(7);
    Path export = dir.resolve("export.jsonl");
    CliFixtures.write(export, f.chain(CliFixtures.WS), false);
    Checkpoint cp = f.log.checkpoint("audit.example.com", EventScope.of(CliFixtures.WS))
        .toCheckpoint();
    Path note = dir.resolve("cp.txt");
    Files.writeString(note, new SignedNote(cp.body(), List.of(signer.sign(cp.body())))
        .format());
    HyrelogCliTest.Result ok = HyrelogCliTest.run("verify", export.toString(), "--checkpoint",
        note.toString(), "--public-key", "audit.example.com="
        + dir.resolve("audit.example.com.pub.pem"));
    assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).contains("1 checkpoint(s) matched");
    // The private key is not a trusted public key.
    HyrelogCliTest.Result priv = HyrelogCliTest.run("verify", export.toString(),
        "--checkpoint", note.toString(), "--public-key",
        "audit.example.com=" + dir.resolve("audit.example.com.key.pem"));
    assertThat(priv.code()).isEqualTo(2);
    assertThat(priv.err()).contains("holds a private key");
  }
}
