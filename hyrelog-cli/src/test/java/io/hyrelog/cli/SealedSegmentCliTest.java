package io.hyrelog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataSubject;
import io.hyrelog.EventJson;
import io.hyrelog.EventScope;
import io.hyrelog.archive.SubjectSeal;
import io.hyrelog.export.JsonlEventWriter;
import io.hyrelog.spi.SubjectKeyring;
import io.hyrelog.testkit.InMemorySubjectKeys;
import io.hyrelog.testkit.SeededRandom;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hyrelog verify} on archive segments whose personal values are sealed per data subject
 * ({@code docs/format.md} §11), and on an export read back from them after one subject's key was
 * destroyed: both verify against the signed checkpoint, without any key.
 */
class SealedSegmentCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void verify_sealedSegmentAndExportAfterErasure_exitZeroAgainstTheCheckpoint()
      throws IOException {
    CliFixtures f = new CliFixtures(9);
    List<AuditEvent> chain = f.chain(CliFixtures.WS);
    SubjectKeyring keys = new InMemorySubjectKeys(f.clock, SeededRandom.secure(1));
    EventScope ws = EventScope.of(CliFixtures.WS);
    Path segment = dir.resolve("segment.jsonl.gz");
    try (JsonlEventWriter w = new JsonlEventWriter(new GZIPOutputStream(
        Files.newOutputStream(segment)))) {
      for (AuditEvent e : chain) {
        w.write(SubjectSeal.seal(e, List.copyOf(keys.sealingKeys(ws, SubjectSeal.subjects(e),
            e.recordedAt()).orElseThrow().values())));
      }
    }
    Path cp = f.writeCheckpoint(dir);
    Path vkey = dir.resolve("hyrelog.vkey");
    Files.writeString(vkey, f.signer.verifier().verifierKey() + "\n");
    String email = chain.get(0).actor().email();
    assertThat(gunzipped(segment)).contains("\"sealed\"").doesNotContain(email);
    HyrelogCliTest.Result sealed = HyrelogCliTest.run("verify", segment.toString(),
        "--checkpoint", cp.toString(), "--public-key", vkey.toString());
    assertThat(sealed.code()).as(sealed.out() + sealed.err()).isZero();
    assertThat(sealed.out()).contains("OK: " + chain.size() + " events");

    // Erase the first event's actor, then export what the segment reads back as.
    keys.destroy(ws, DataSubject.actorEmail(email));
    Path export = dir.resolve("export.jsonl");
    List<AuditEvent> readBack = new ArrayList<>();
    try (JsonlEventWriter w = new JsonlEventWriter(Files.newOutputStream(export))) {
      for (String line : gunzipped(segment).split("\n")) {
        ObjectNode tree = (ObjectNode) JSON.readTree(line);
        AuditEvent e = EventJson.fromTree(SubjectSeal.open(tree, id -> keys.key(ws, id)));
        readBack.add(e);
        w.write(e);
      }
    }
    assertThat(readBack.get(0)).isEqualTo(chain.get(0).erasePersonalData());
    assertThat(Files.readString(export)).doesNotContain(email).contains("\"erased\":true");
    HyrelogCliTest.Result erased = HyrelogCliTest.run("verify", export.toString(),
        "--checkpoint", cp.toString(), "--public-key", vkey.toString());
    assertThat(erased.code()).as(erased.out() + erased.err()).isZero();
    assertThat(erased.out()).contains("1 checkpoint(s) matched");
  }

  private static String gunzipped(Path file) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
