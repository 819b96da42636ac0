package io.hyrelog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.compliance.export.EncryptingOutputStream;
import io.hyrelog.compliance.export.ExportDescriptor;
import io.hyrelog.compliance.export.ExportEncryption;
import io.hyrelog.compliance.export.ExportKey;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecryptCommandTest {
  static final String HEX = "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";
  @TempDir Path dir;
  Path keyFile;
  byte[] plain;

  @BeforeEach
  void setUp() throws Exception {
    keyFile = Files.writeString(dir.resolve("export.key"), HEX + "\n");
    plain = new byte[10_000];
    new Random(1).nextBytes(plain);
  }

  Path encrypt(String name, ExportEncryption.Mode mode) throws Exception {
    Path f = dir.resolve(name);
    ExportEncryption enc = ExportEncryption.builder(ExportKey.parse("k1", HEX)).mode(mode)
        .segmentSize(1024).build();
    try (OutputStream o = Files.newOutputStream(f);
        EncryptingOutputStream s = enc.open(o, new ExportDescriptor("c1", "audit_events",
            "jsonl", Instant.parse("2026-03-01T00:00:00Z")))) {
      s.write(plain);
    }
    return f;
  }

  @Test
  void decrypt_bothFormats_writeTheDefaultOutputAndExitZero() throws Exception {
    for (ExportEncryption.Mode m : new ExportEncryption.Mode[] {ExportEncryption.Mode.ENVELOPE,
        ExportEncryption.Mode.STREAM}) {
      String name = m == ExportEncryption.Mode.STREAM ? "a.jsonl.enc" : "b.jsonl.enc.json";
      Path f = encrypt(name, m);
      HyrelogCliTest.Result r = HyrelogCliTest.run("decrypt", f.toString(), "--key-file",
          keyFile.toString(), "--key-id", "k1");
      assertThat(r.code()).as(r.err()).isZero();
      Path out = dir.resolve(name.substring(0, name.indexOf(".enc")));
      assertThat(Files.readAllBytes(out)).isEqualTo(plain);
      assertThat(r.err()).contains("OK", "company=c1", "type=audit_events", "bytes=10000");
    }
  }

  @Test
  void decrypt_tamperedOrTruncated_exitsOneAndWritesNothing() throws Exception {
    Path f = encrypt("a.jsonl.enc", ExportEncryption.Mode.STREAM);
    byte[] b = Files.readAllBytes(f);
    byte[] flipped = b.clone();
    flipped[flipped.length - 30] ^= 4;
    Files.write(f, flipped);
    HyrelogCliTest.Result r = HyrelogCliTest.run("decrypt", f.toString(), "--key-file",
        keyFile.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("failed authentication", "no output written");
    Files.write(f, java.util.Arrays.copyOf(b, b.length - 1040));
    r = HyrelogCliTest.run("decrypt", f.toString(), "--key-file", keyFile.toString());
    assertThat(r.code()).isEqualTo(1);
    try (var l = Files.list(dir)) {
      assertThat(l).extracting(p -> p.getFileName().toString())
          .containsExactlyInAnyOrder("a.jsonl.enc", "export.key");
    }
  }

  @Test
  void decrypt_wrongKeyOrBadKeyFile_saysSo() throws Exception {
    Path f = encrypt("a.jsonl.enc.json", ExportEncryption.Mode.ENVELOPE);
    Path other = Files.writeString(dir.resolve("other.key"), HEX.replace('1', '2'));
    HyrelogCliTest.Result r = HyrelogCliTest.run("decrypt", f.toString(), "--key-file",
        other.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("wrong key: the file was encrypted with key id k1");
    Path shortKey = Files.writeString(dir.resolve("short.key"), "abcd");
    r = HyrelogCliTest.run("decrypt", f.toString(), "--key-file", shortKey.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("must be 32 bytes").doesNotContain("abcd");
    r = HyrelogCliTest.run("decrypt", f.toString(), "--key-file", keyFile.toString(),
        "--key-id", "k2");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("key id k1 but the given key has id k2");
  }

  @Test
  void decrypt_existingOutput_needsForce_andStdoutWorks() throws Exception {
    Path f = encrypt("a.jsonl.enc", ExportEncryption.Mode.STREAM);
    Files.writeString(dir.resolve("a.jsonl"), "keep");
    HyrelogCliTest.Result r = HyrelogCliTest.run("decrypt", f.toString(), "--key-file",
        keyFile.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("a.jsonl"))).isEqualTo("keep");
    r = HyrelogCliTest.run("decrypt", f.toString(), "--key-file", keyFile.toString(),
        "--force");
    assertThat(r.code()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("a.jsonl"))).isEqualTo(plain);
    r = HyrelogCliTest.run("decrypt", f.toString(), "--key-file", keyFile.toString(),
        "--out", "-");
    assertThat(r.code()).isZero();
    assertThat(r.rawOut()).isEqualTo(plain);
  }
}
