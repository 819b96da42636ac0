package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.compliance.Ed25519Keys;
import io.hyrelog.compliance.PemNoteSigner;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.Checkpoint;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.server.internal.EmbeddedDatabase;
import io.hyrelog.server.internal.signing.ServerSigning;
import io.hyrelog.testkit.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed checkpoints and published keys through the real server (real PostgreSQL, real HTTP):
 * a checkpoint verifies against the exported chain with {@link ChainVerifier} and {@link
 * NoteVerifier}, and with nothing but the JDK's Ed25519 over the note text; also after
 * archival purged the chain's first events; a retired key stays published after rotation;
 * without a key in external mode the features answer 503.
 */
class SigningIT {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  @TempDir Path keys;

  private static String[] auth(TestServer s) {
    return new String[] {"Authorization", "Bearer " + s.demo().workspaceKey()};
  }

  /** 20 events a day on three days from T0, the clock a day past the last. */
  static void ingestThreeDays(TestServer s, MutableClock clock) {
    for (int day = 0; day < 3; day++) {
      ingest(s, 20, "d" + day);
      clock.advance(Duration.ofDays(1));
    }
  }

  /** Retention and archival at T0 + 92 days: the first two days are archived and purged. */
  static void archiveAllButTheLastDay(TestServer s, MutableClock clock) {
    Instant asOf = T0.plus(Duration.ofDays(92));
    clock.set(asOf);
    for (String job : List.of("retention.mark", "archive.run")) {
      TestHttp.Response r = s.http().post("/ops/jobs/" + job + "/run",
          "{\"asOf\":\"" + asOf + "\"}", "x-internal-token", s.internalToken(),
          "Content-Type", "application/json");
      assertThat(r.json().path("status").asText()).as(r.text()).isEqualTo("SUCCEEDED");
    }
  }

  /** Deletes every archived segment object: reading a purged seq fails from now on. */
  static void deleteArchiveObjects(TestServer s) throws IOException {
    List<Path> objects;
    try (java.util.stream.Stream<Path> files = Files.walk(s.dataDir().resolve("archive"))) {
      objects = files.filter(Files::isRegularFile).toList();
    }
    assertThat(objects).as("archived segment objects").isNotEmpty();
    for (Path o : objects) {
      Files.delete(o);
    }
  }

  static void ingest(TestServer s, int n, String tag) {
    StringBuilder batch = new StringBuilder("{\"events\":[");
    for (int i = 0; i < n; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"category\":\"user\",\"action\":\"login\","
          + "\"actor\":{\"id\":\"u-").append(tag).append('-').append(i).append("\"}}");
    }
    TestHttp.Response r = s.http().post("/v1/events/batch", batch.append("]}").toString(),
        "Authorization", "Bearer " + s.demo().workspaceKey(), "Content-Type",
        "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
  }

  private static List<NoteVerifier> published(TestServer s) {
    TestHttp.Response r = s.http().get("/v1/signing-keys");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    List<NoteVerifier> out = new ArrayList<>();
    for (JsonNode k : r.json().path("data")) {
      NoteVerifier v = NoteVerifier.parse(k.path("verifierKey").asText());
      assertThat(k.path("algorithm").asText()).isEqualTo("Ed25519");
      assertThat(k.path("keyId").asText()).isEqualTo(String.format("%08x", v.keyId()));
      assertThat(Base64.getDecoder().decode(k.path("publicKey").asText()))
          .isEqualTo(v.rawPublicKey());
      assertThat(k.path("name").asText()).isEqualTo(v.name());
      out.add(v);
    }
    return out;
  }

  private static String checkpoint(TestServer s) {
    TestHttp.Response r = s.http().get("/v1/chains/" + s.demo().workspaceId() + "/checkpoint",
        auth(s));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.header("Content-Type").replace(" ", "")).isEqualToIgnoringCase(
        "text/plain;charset=utf-8");
    return r.text();
  }

  /** Verifies the exported chain against the checkpoint, as {@code hyrelog.jar verify} does. */
  private static VerificationReport verifyExport(TestServer s, ChainCheckpoint cp) {
    TestHttp.Response export = s.http().get("/v1/chains/" + s.demo().workspaceId()
        + "/events.jsonl", auth(s));
    assertThat(export.status()).as(export.text()).isEqualTo(200);
    ChainVerifier v = ChainVerifier.builder().requireCompleteChains().checkpoint(cp).build();
    try (JsonlEventReader r = new JsonlEventReader(new ByteArrayInputStream(export.body()))) {
      for (JsonlEventReader.Line line : r) {
        v.accept(line.tree(), line.number());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return v.finish();
  }

  /** C2SP signed-note verification with nothing but the JDK: no HyreLog code involved. */
  private static boolean jdkVerifies(String note, byte[] rawPublicKey) throws Exception {
    int split = note.lastIndexOf("\n\n");
    String text = note.substring(0, split + 1);
    String line = note.substring(split + 2).split("\n")[0];
    byte[] sig = Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1));
    byte[] spki = HexFormat.of().parseHex("302a300506032b6570032100");
    byte[] der = ByteBuffer.allocate(44).put(spki).put(rawPublicKey).array();
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(
        new X509EncodedKeySpec(der)));
    jdk.update(text.getBytes(StandardCharsets.UTF_8));
    return jdk.verify(sig, 4, 64);
  }

  @Test
  @Tag("process")
  void checkpoint_embeddedKey_verifiesAgainstExportAndWithPlainJdkEd25519() throws Exception {
    try (TestServer s = TestServer.startEmbedded()) {
      Path keyFile = s.dataDir().resolve(ServerSigning.EMBEDDED_KEY_FILE);
      assertThat(Files.getPosixFilePermissions(keyFile))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      List<NoteVerifier> keys = published(s);
      assertThat(keys).hasSize(1);
      assertThat(keys.get(0).name()).isEqualTo("hyrelog.local");

      // An empty chain has a checkpoint too.
      Checkpoint empty = Checkpoint.verifyNote(checkpoint(s), keys);
      assertThat(empty.size()).isZero();

      ingest(s, 25, "a");
      String note = checkpoint(s);
      Checkpoint cp = Checkpoint.verifyNote(note, keys);
      ChainCheckpoint chain = ChainCheckpoint.from(cp);
      assertThat(chain.chainId()).isEqualTo(s.demo().workspaceId());
      assertThat(chain.size()).isEqualTo(25);
      assertThat(cp.origin()).isEqualTo("hyrelog.local/chains/" + s.demo().workspaceId());
      VerificationReport report = verifyExport(s, chain);
      assertThat(report.ok()).as(report.toString()).isTrue();
      assertThat(report.checkpointsChecked()).isEqualTo(1);
      assertThat(jdkVerifies(note, keys.get(0).rawPublicKey())).isTrue();
      String tampered = note.replaceFirst("\n25\n", "\n24\n");
      assertThat(jdkVerifies(tampered, keys.get(0).rawPublicKey())).isFalse();

      // The same head gives the same note (cached); a new event moves it.
      assertThat(checkpoint(s)).isEqualTo(note);
      ingest(s, 1, "b");
      assertThat(ChainCheckpoint.from(Checkpoint.verifyNote(checkpoint(s), keys)).size())
          .isEqualTo(26);

      // A company key reads it too; a foreign workspace id is not found; the keys are public.
      assertThat(s.http().get("/v1/chains/" + s.demo().workspaceId() + "/checkpoint",
          "Authorization", "Bearer " + s.demo().companyKey()).status()).isEqualTo(200);
      TestHttp.Response foreign = s.http().get("/v1/chains/" + UUID.randomUUID()
          + "/checkpoint", auth(s));
      assertThat(foreign.status()).isEqualTo(404);
      assertThat(s.http().get("/v1/chains/" + s.demo().workspaceId() + "/checkpoint")
          .status()).isEqualTo(401);
    }
  }

  @Test
  void checkpoint_afterArchivalPurge_coversTheWholeChain() {
    MutableClock clock = new MutableClock(T0);
    try (TestServer s = TestServer.start(Map.of(), clock)) {
      ingestThreeDays(s, clock);
      List<NoteVerifier> keys = published(s);
      archiveAllButTheLastDay(s, clock);
      JsonNode page = s.http().get("/v1/events?limit=200", auth(s)).json();
      assertThat(page.path("data").size()).as("only the last day is hot").isEqualTo(20);

      // First asked after the purge (nothing cached): from the tiles, purged seqs included.
      String after = checkpoint(s);
      ChainCheckpoint cp = ChainCheckpoint.from(Checkpoint.verifyNote(after, keys));
      assertThat(cp.size()).isEqualTo(60);
      assertThat(verifyExport(s, cp).ok()).isTrue();
      ingest(s, 2, "late");
      ChainCheckpoint grown = ChainCheckpoint.from(Checkpoint.verifyNote(checkpoint(s), keys));
      assertThat(grown.size()).isEqualTo(62);
      assertThat(verifyExport(s, grown).ok()).isTrue();
    }
  }

  @Test
  void checkpoint_archivedSegmentsUnreadable_signedFromTheStoredTree() throws IOException {
    MutableClock clock = new MutableClock(T0);
    try (TestServer s = TestServer.start(Map.of(), clock)) {
      ingestThreeDays(s, clock);
      TestHttp.Response hot = s.http().get("/v1/chains/" + s.demo().workspaceId()
          + "/events.jsonl", auth(s));
      assertThat(hot.status()).as(hot.text()).isEqualTo(200);
      List<NoteVerifier> keys = published(s);
      archiveAllButTheLastDay(s, clock);
      // The purged days' segments become unreadable: a checkpoint that read the chain from
      // seq 1 would fail now; one from the tiles reads no event.
      deleteArchiveObjects(s);

      ChainCheckpoint cp = ChainCheckpoint.from(Checkpoint.verifyNote(checkpoint(s), keys));

      assertThat(cp.size()).isEqualTo(60);
      ChainVerifier v = ChainVerifier.builder().requireCompleteChains().checkpoint(cp).build();
      try (JsonlEventReader r = new JsonlEventReader(new ByteArrayInputStream(hot.body()))) {
        for (JsonlEventReader.Line line : r) {
          v.accept(line.tree(), line.number());
        }
      }
      VerificationReport report = v.finish();
      assertThat(report.ok()).as("%s", report.failure()).isTrue();
      assertThat(report.checkpointsChecked()).isEqualTo(1);
    }
  }

  @Test
  void rotation_retiredKeyStillPublished_checkpointsSignedByEitherVerify() throws Exception {
    PemNoteSigner old = Ed25519Keys.writeNewPrivateKey(keys.resolve("old.key.pem"),
        "audit.example.com", new SecureRandom());
    Ed25519Keys.writePublicKey(keys.resolve("old.pub.pem"), old.verifier());
    PemNoteSigner current = Ed25519Keys.writeNewPrivateKey(keys.resolve("new.key.pem"),
        "audit.example.com", new SecureRandom());
    Map<String, String> env = Map.of(
        "HYRELOG_SIGNING_KEY_FILE", keys.resolve("new.key.pem").toString(),
        "HYRELOG_PUBLIC_URL", "https://audit.example.com",
        "HYRELOG_VERIFICATION_KEY_FILES", keys.resolve("old.pub.pem").toString());
    try (TestServer s = TestServer.start(env, Clock.systemUTC())) {
      TestHttp.Response r = s.http().get("/v1/signing-keys");
      JsonNode list = r.json().path("data");
      assertThat(list).hasSize(2);
      assertThat(list.get(0).path("keyId").asText()).isEqualTo(current.keyId());
      assertThat(list.get(0).path("active").asBoolean()).isTrue();
      assertThat(list.get(1).path("keyId").asText()).isEqualTo(old.keyId());
      assertThat(list.get(1).path("active").asBoolean()).isFalse();
      assertThat(list.get(1).path("name").asText()).isEqualTo("audit.example.com");
      List<NoteVerifier> published = published(s);
      // No key generated in the data directory when a key file is given.
      assertThat(s.dataDir().resolve(ServerSigning.EMBEDDED_KEY_FILE)).doesNotExist();

      ingest(s, 3, "r");
      String note = checkpoint(s);
      assertThat(SignedNote.parse(note).verify(published)).containsExactly(current.verifier());
      // The old key alone does not accept what the new key signed.
      NoteVerifier oldPublished = Ed25519Keys.readVerifier("audit.example.com",
          keys.resolve("old.pub.pem"));
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> Checkpoint.verifyNote(note, List.of(oldPublished)))
          .isInstanceOf(io.hyrelog.integrity.InvalidSignatureException.class);
    }
    // A checkpoint signed before the rotation still verifies with the published keys.
    String body = new Checkpoint("audit.example.com/chains/" + UUID.randomUUID(), 0,
        io.hyrelog.integrity.MerkleTree.emptyRoot()).body();
    String oldNote = new SignedNote(body, List.of(old.sign(body))).format();
    assertThat(Checkpoint.verifyNote(oldNote, List.of(old.verifier(), current.verifier()))
        .size()).isZero();
  }

  @Test
  void externalModeWithoutKey_startsAndAnswers503NamingTheVariable(@TempDir Path dir)
      throws Exception {
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("postgres"))) {
      Map<String, String> env = new HashMap<>();
      env.put("HYRELOG_DATABASE_URL", db.ownerUrl());
      env.put("HYRELOG_API_KEY_SECRET", "0123456789abcdef0123");
      env.put("HYRELOG_INTERNAL_TOKEN", "fedcba9876543210fedc");
      env.put("HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY", "ab".repeat(32));
      env.put("HYRELOG_SUBJECT_KEY_ENCRYPTION_KEY", "cd".repeat(32));
      env.put("HYRELOG_DATA_DIR", dir.resolve("data").toString());
      env.put("PORT", "0");
      env.put("HYRELOG_HOST", "127.0.0.1");
      ServerConfig config = ServerConfig.fromEnv(env);
      DemoCredentials demo = HyrelogServer.seed(config,
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      try (HyrelogServer server = HyrelogServer.start(config, Clock.systemUTC(),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
        TestHttp http = new TestHttp(server.baseUrl());
        TestHttp.Response keysResponse = http.get("/v1/signing-keys");
        assertThat(keysResponse.status()).isEqualTo(503);
        assertThat(keysResponse.json().path("code").asText()).isEqualTo("SERVICE_UNAVAILABLE");
        assertThat(keysResponse.json().path("detail").asText())
            .contains("HYRELOG_SIGNING_KEY_FILE");
        TestHttp.Response cp = http.get("/v1/chains/" + demo.workspaceId() + "/checkpoint",
            "Authorization", "Bearer " + demo.workspaceKey());
        assertThat(cp.status()).isEqualTo(503);
        assertThat(cp.json().path("detail").asText()).contains("HYRELOG_SIGNING_KEY_FILE");
        TestHttp.Response snap = http.post("/ops/jobs/audit.snapshot/run",
            "{\"input\":{\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-02T00:00:00Z\"}}",
            "x-internal-token", "fedcba9876543210fedc", "Content-Type", "application/json");
        assertThat(snap.json().path("status").asText()).as(snap.text()).isEqualTo("FAILED");
        assertThat(snap.text()).contains("HYRELOG_SIGNING_KEY_FILE");
        assertThat(dir.resolve("data").resolve(ServerSigning.EMBEDDED_KEY_FILE))
            .doesNotExist();
      }
    }
  }
}
