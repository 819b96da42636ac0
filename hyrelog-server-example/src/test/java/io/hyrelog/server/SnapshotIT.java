package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.Digest;
import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.compliance.Ed25519Keys;
import io.hyrelog.compliance.PemNoteSigner;
import io.hyrelog.compliance.ChainSeal;
import io.hyrelog.compliance.SnapshotManifest;
import io.hyrelog.compliance.SnapshotStatement;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.integrity.Checkpoint;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.server.internal.signing.ServerSigning;
import io.hyrelog.testkit.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code audit.snapshot} job through the real server (real PostgreSQL, HTTP ops routes,
 * the local archive store) on a virtual clock. Seed tests T71.1 (success: the period queried,
 * the manifest signed with a real key and verified, the asset stored, its id returned), T71.2
 * (the sealed ranges are exactly the period's events) and T71.3 (failure leaves nothing
 * recorded), plus batching, idempotent reruns, an empty period, bad input, and a run that
 * crashed before recording (a trigger refuses the insert) finished after a signing-key rotation.
 */
class SnapshotIT {
  private static final Instant DAY1 = Instant.parse("2026-03-01T00:00:00Z");
  private static final Instant DAY2 = DAY1.plus(Duration.ofDays(1));
  private static final Instant DAY3 = DAY2.plus(Duration.ofDays(1));
  private static final Instant AS_OF = DAY3.plus(Duration.ofHours(2));
  private final MutableClock clock = new MutableClock(DAY1.plus(Duration.ofHours(10)));
  private TestServer server;
  private TestHttp http;

  @BeforeEach
  void start() {
    // Several bundles a minute, beyond the production default (EvidenceLimitsIT tests that).
    server = TestServer.start(Map.of("HYRELOG_RATE_LIMIT_EVIDENCE_EXPORT_PER_MIN", "1000",
        "HYRELOG_RATE_LIMIT_EVIDENCE_PER_MIN", "1000"),
        clock);
    http = server.http();
    ingest(5, "before");                       // seqs 1..5, day 1
    clock.set(DAY2.plus(Duration.ofHours(1)));
    ingest(600, "in-a");                       // seqs 6..1055, day 2: more than one batch
    clock.advance(Duration.ofHours(20));
    ingest(450, "in-b");
    clock.set(DAY3.plus(Duration.ofHours(1)));
    ingest(4, "after");                        // seqs 1056..1059, day 3
    clock.set(AS_OF);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void ingest(int n, String tag) {
    StringBuilder batch = new StringBuilder("{\"events\":[");
    for (int i = 0; i < n; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"category\":\"user\",\"action\":\"login\","
          + "\"actor\":{\"id\":\"").append(tag).append('-').append(i).append("\"}}");
    }
    TestHttp.Response r = http.post("/v1/events/batch", batch.append("]}").toString(),
        "Authorization", "Bearer " + server.demo().workspaceKey(), "Content-Type",
        "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
  }

  private TestHttp.Response runRaw(String input) {
    return runRaw("audit.snapshot", AS_OF, input);
  }

  private TestHttp.Response runRaw(String job, Instant asOf, String input) {
    return http.post("/ops/jobs/" + job + "/run", "{\"asOf\":\"" + asOf + "\",\"input\":"
        + input + "}", "x-internal-token", server.internalToken(), "Content-Type",
        "application/json");
  }

  private JsonNode run(Instant from, Instant to) {
    return run("audit.snapshot", AS_OF, "{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}");
  }

  private JsonNode run(String job, Instant asOf, String input) {
    TestHttp.Response r = runRaw(job, asOf, input);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.json().path("status").asText()).as(r.text()).isEqualTo("SUCCEEDED");
    return r.json().path("result");
  }

  private JsonNode failed(String input) {
    TestHttp.Response r = runRaw(input);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.json().path("status").asText()).as(r.text()).isEqualTo("FAILED");
    return r.json();
  }

  private List<JsonNode> chain() {
    TestHttp.Response r = http.get("/v1/chains/" + server.demo().workspaceId()
        + "/events.jsonl", "Authorization", "Bearer " + server.demo().workspaceKey());
    List<JsonNode> out = new ArrayList<>();
    try (JsonlEventReader reader = new JsonlEventReader(new ByteArrayInputStream(r.body()))) {
      for (JsonlEventReader.Line line : reader) {
        out.add(line.tree());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private Path archive() {
    return server.dataDir().resolve("archive");
  }

  private List<Path> snapshotFiles() throws IOException {
    Path root = archive().resolve("snapshots");
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString()
          .startsWith(".") && !p.getFileName().toString().contains("~")).sorted().toList();
    }
  }

  private List<NoteVerifier> publishedKeys() {
    List<NoteVerifier> out = new ArrayList<>();
    http.get("/v1/signing-keys").json().path("data")
        .forEach(k -> out.add(NoteVerifier.parse(k.path("verifierKey").asText())));
    return out;
  }

  @Test
  void snapshot_period_signedManifestStoredRangesSealedEventAppended_T71_1_T71_2()
      throws IOException {
    JsonNode result = run(DAY2, DAY3);
    String company = server.demo().companyId().toString();
    String prefix = "snapshots/" + company + "/20260302T000000Z_20260303T000000Z/";
    assertThat(result.path("manifest_key").asText()).isEqualTo(prefix + "manifest.json");
    assertThat(result.path("events").asLong()).isEqualTo(1050);
    String snapshotId = result.path("snapshot_id").asText();
    JsonNode one = result.path("snapshots").get(0);
    assertThat(one.path("created").asBoolean()).isTrue();
    assertThat(one.path("chains").asInt()).isEqualTo(1);
    // T71.2: exactly the period's events are sealed.
    JsonNode sealed = one.path("sealed");
    assertThat(sealed).hasSize(1);
    assertThat(sealed.get(0).path("workspace_id").asText())
        .isEqualTo(server.demo().workspaceId().toString());
    assertThat(sealed.get(0).path("from_seq").asLong()).isEqualTo(6);
    assertThat(sealed.get(0).path("to_seq").asLong()).isEqualTo(1055);

    // T71.1: the stored manifest and its signature verify with the published key.
    byte[] manifestBytes = Files.readAllBytes(archive().resolve(prefix + "manifest.json"));
    String sig = Files.readString(archive().resolve(prefix + "manifest.sig"));
    List<NoteVerifier> keys = publishedKeys();
    SignedNote note = SignedNote.parse(sig);
    NoteVerifier signer = note.verify(keys).get(0);
    assertThat(String.format("%08x", signer.keyId()))
        .isEqualTo(result.path("signature_key_id").asText());
    SnapshotStatement st = SnapshotStatement.parse(note.text());
    assertThat(st.manifestSha256()).isEqualTo(Digest.sha256(manifestBytes));
    assertThat(st.snapshotId().toString()).isEqualTo(snapshotId);
    assertThat(st.events()).isEqualTo(1050);
    assertThat(one.path("manifest_sha256").asText()).isEqualTo(st.manifestSha256().hex());

    // The manifest matches the chain as exported: range, Merkle root over it, linking hashes.
    SnapshotManifest m = SnapshotManifest.parse(manifestBytes);
    assertThat(m.from()).isEqualTo(DAY2);
    assertThat(m.to()).isEqualTo(DAY3);
    List<JsonNode> events = chain();
    MerkleTree tree = new MerkleTree();
    events.subList(5, 1055).forEach(e -> tree.append(Digest.parseHex(e.path("hash").asText())));
    ChainSeal seal = m.chains().get(0);
    assertThat(seal.firstSeq()).isEqualTo(6);
    assertThat(seal.lastSeq()).isEqualTo(1055);
    assertThat(seal.merkleRoot()).isEqualTo(tree.root());
    assertThat(seal.firstPrevHash().hex()).isEqualTo(events.get(4).path("hash").asText());
    assertThat(seal.headHash().hex()).isEqualTo(events.get(1054).path("hash").asText());

    // One snapshot.created event, appended to the sealed chain after its newest event.
    assertThat(events).hasSize(1060);
    JsonNode e = events.get(1059);
    assertThat(e.path("category").asText()).isEqualTo("system");
    assertThat(e.path("action").asText()).isEqualTo("snapshot.created");
    assertThat(e.path("metadata").path("snapshotId").asText()).isEqualTo(snapshotId);
    assertThat(e.path("metadata").path("manifestSha256").asText())
        .isEqualTo(st.manifestSha256().hex());
    assertThat(e.path("metadata").path("eventCount").asLong()).isEqualTo(1050);
    assertThat(e.path("metadata").path("periodFrom").asText()).isEqualTo(DAY2.toString());

    // An evidence bundle of the same period holds exactly the sealed range (the same period
    // rule); its checkpoint is at the range's last seq with the seal's head hash.
    TestHttp.Response bundle = http.post("/compliance/evidence/export", "{\"from\":\"" + DAY2
        + "\",\"to\":\"" + DAY3 + "\",\"options\":{\"vault\":false,\"envelope\":false}}",
        "Authorization", "Bearer " + server.demo().companyKey(), "Content-Type",
        "application/json");
    assertThat(bundle.status()).as(bundle.text()).isEqualTo(201);
    assertThat(bundle.json().path("event_count").asLong()).isEqualTo(1050);
    String bundleId = bundle.json().path("bundle_id").asText();
    try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(server.dataDir().resolve("evidence")
        .resolve(company).resolve(bundleId).resolve(bundleId + ".zip").toFile())) {
      String cpNote = new String(z.getInputStream(z.getEntry("checkpoints/"
          + server.demo().workspaceId() + ".note")).readAllBytes(), StandardCharsets.UTF_8);
      ChainCheckpoint cp = ChainCheckpoint.from(Checkpoint.parse(SignedNote.parse(cpNote)
          .text()));
      assertThat(cp.size()).isEqualTo(seal.lastSeq());
      assertThat(cp.head()).isEqualTo(seal.headHash());
    }

    // Idempotent rerun: same id, no second asset, no second event.
    List<Path> files = snapshotFiles();
    assertThat(files).hasSize(2);
    JsonNode again = run(DAY2, DAY3);
    assertThat(again.path("snapshot_id").asText()).isEqualTo(snapshotId);
    assertThat(again.path("snapshots").get(0).path("created").asBoolean()).isFalse();
    assertThat(again.path("snapshots").get(0).path("sealed")).isEqualTo(sealed);
    assertThat(snapshotFiles()).isEqualTo(files);
    assertThat(chain()).hasSize(1060);
  }

  /**
   * Days 1 and 2 archived and purged from the hot store (asOf 90 days on, the demo plan's hot
   * retention): a snapshot of day 2 reads the chain back from its segments and seals exactly
   * what it would have sealed before the purge; a period across the boundary (purged and hot
   * events) too.
   */
  @Test
  void snapshot_periodArchivedAndPurged_sealsTheSameRangesFromTheSegments() {
    Instant later = DAY3.plus(Duration.ofDays(90)).plus(Duration.ofHours(2));
    clock.set(later);
    run("retention.mark", later, "{}");
    JsonNode archived = run("archive.run", later, "{}");
    assertThat(archived.path("rows_purged").asLong()).as(archived.toString()).isEqualTo(1055);

    List<JsonNode> events = chain();
    // Purged only: the night of day 1 to noon of day 2 holds the "in-a" events, seqs 6..605.
    checkSealed(run("audit.snapshot", later, period(DAY1.plus(Duration.ofHours(12)),
        DAY2.plus(Duration.ofHours(12)))), events, 6, 605);
    // Across the boundary: "in-b" (purged, 606..1055) and day 3's "after" (hot, 1056..1059).
    checkSealed(run("audit.snapshot", later, period(DAY2.plus(Duration.ofHours(12)),
        DAY3.plus(Duration.ofHours(12)))), events, 606, 1059);
  }

  private static String period(Instant from, Instant to) {
    return "{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}";
  }

  /** The snapshot sealed exactly seqs first..last, with their Merkle root and linking hashes. */
  private void checkSealed(JsonNode result, List<JsonNode> chain, long first, long last) {
    assertThat(result.path("events").asLong()).as(result.toString()).isEqualTo(last - first + 1);
    JsonNode sealed = result.path("snapshots").get(0).path("sealed").get(0);
    assertThat(sealed.path("from_seq").asLong()).isEqualTo(first);
    assertThat(sealed.path("to_seq").asLong()).isEqualTo(last);
    ChainSeal seal = manifest(result).chains().get(0);
    MerkleTree tree = new MerkleTree();
    chain.subList((int) first - 1, (int) last)
        .forEach(e -> tree.append(Digest.parseHex(e.path("hash").asText())));
    assertThat(seal.firstSeq()).isEqualTo(first);
    assertThat(seal.lastSeq()).isEqualTo(last);
    assertThat(seal.merkleRoot()).isEqualTo(tree.root());
    assertThat(seal.firstPrevHash().hex()).isEqualTo(chain.get((int) first - 2).path("hash")
        .asText());
    assertThat(seal.headHash().hex()).isEqualTo(chain.get((int) last - 1).path("hash").asText());
  }

  private SnapshotManifest manifest(JsonNode result) {
    try {
      return SnapshotManifest.parse(Files.readAllBytes(archive().resolve(
          result.path("manifest_key").asText())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void snapshot_emptyPeriod_succeedsWithCountZeroAndAppendsNothing() throws IOException {
    Instant from = DAY1.minus(Duration.ofDays(10));
    JsonNode r = run(from, from.plus(Duration.ofDays(1)));
    assertThat(r.path("events").asLong()).isZero();
    JsonNode one = r.path("snapshots").get(0);
    assertThat(one.path("chains").asInt()).isZero();
    assertThat(one.path("sealed")).isEmpty();
    SnapshotManifest m = SnapshotManifest.parse(Files.readAllBytes(
        archive().resolve(r.path("manifest_key").asText())));
    assertThat(m.chains()).isEmpty();
    assertThat(chain()).hasSize(1059);
    assertThat(run(from, from.plus(Duration.ofDays(1))).path("snapshot_id").asText())
        .isEqualTo(r.path("snapshot_id").asText());
  }

  @Test
  void snapshot_badInput_refusedAndNothingChanges() throws IOException {
    TestHttp.Response notATime = runRaw("{\"from\":\"yesterday\",\"to\":\"" + DAY3 + "\"}");
    assertThat(notATime.status()).isEqualTo(400);
    assertThat(notATime.json().path("code").asText()).isEqualTo("VALIDATION_ERROR");
    assertThat(notATime.text()).contains("/input/from");
    assertThat(failed("{\"from\":\"" + DAY3 + "\",\"to\":\"" + DAY2 + "\"}").path("error_message")
        .asText()).contains("must be before to");
    assertThat(failed("{\"from\":\"" + DAY3 + "\",\"to\":\"" + DAY3.plus(Duration.ofDays(1))
        + "\"}").path("error_message").asText()).contains("is after asOf");
    assertThat(failed("{\"from\":\"" + DAY2 + "\"}").path("error_message").asText())
        .contains("give both from and to");
    assertThat(failed("{\"from\":\"" + DAY1 + "\",\"to\":\"" + DAY2
        + "\",\"companyId\":\"nope\"}").path("error_message").asText()).contains("companyId");
    assertThat(snapshotFiles()).isEmpty();
    assertThat(chain()).hasSize(1059);
    // A period overlapping a recorded snapshot is refused.
    run(DAY2, DAY3);
    assertThat(failed("{\"from\":\"" + DAY2.plus(Duration.ofHours(12)) + "\",\"to\":\"" + AS_OF
        + "\"}").path("error_message").asText()).contains("overlaps snapshot");
  }

  @Test
  void snapshot_storeHoldsADifferentManifest_failsAndRecordsNothing_T71_3() throws IOException {
    String key = "snapshots/" + server.demo().companyId()
        + "/20260301T000000Z_20260302T000000Z/manifest.json";
    LocalDirectoryArchiveStore.builder(archive()).build()
        .put(key, new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)));
    JsonNode run = failed("{\"from\":\"" + DAY1 + "\",\"to\":\"" + DAY2 + "\"}");
    assertThat(run.path("error_message").asText()).contains("already holds a different " + key);
    // Nothing recorded, sealed or appended: no signature stored, chain unchanged, and the
    // period's first successful snapshot is still possible for another period.
    assertThat(snapshotFiles()).hasSize(1);
    assertThat(chain()).hasSize(1059);
    assertThat(run(DAY2, DAY3).path("snapshots").get(0).path("created").asBoolean()).isTrue();
    assertThat(failed("{\"from\":\"" + DAY1 + "\",\"to\":\"" + DAY2 + "\"}").path("error_message")
        .asText()).contains("already holds a different");
  }

  // Restarted servers run no background jobs: the daily snapshot falls due at once on the
  // virtual clock and would append its own snapshot.created event while the test counts them.

  /** The embedded server's generated key, whose public key is written to {@code dir}. */
  private NoteVerifier key1(Path dir) {
    PemNoteSigner key1 = Ed25519Keys.readSigner("hyrelog.local",
        server.dataDir().resolve(ServerSigning.EMBEDDED_KEY_FILE));
    Ed25519Keys.writePublicKey(dir.resolve("key1.pub.pem"), key1.verifier());
    return key1.verifier();
  }

  /**
   * Runs the snapshot of {@code [from, to)} while the database refuses to record snapshots:
   * the run stores manifest.json and manifest.sig and appends its snapshot.created events,
   * then fails, as a run that crashed before recording.
   */
  private void crashBeforeRecording(Instant from, Instant to) throws Exception {
    try (Connection c = DriverManager.getConnection(server.ownerJdbcUrl()); Statement st = c.createStatement()) {
      st.execute("CREATE FUNCTION test_crash() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
          + " RAISE EXCEPTION 'simulated crash'; END $$");
      st.execute("CREATE TRIGGER test_crash BEFORE INSERT ON hyrelog.snapshots FOR EACH ROW"
          + " EXECUTE FUNCTION test_crash()");
      assertThat(failed("{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}")
          .path("error_message").asText()).contains("record the snapshot");
      st.execute("DROP TRIGGER test_crash ON hyrelog.snapshots");
      st.execute("DROP FUNCTION test_crash()");
    }
  }

  @Test
  void snapshot_crashedRunSignedByARetiredKey_rerunAdoptsTheStoredSignature(@TempDir Path keys)
      throws Exception {
    NoteVerifier key1 = key1(keys);
    crashBeforeRecording(DAY2, DAY3);
    String prefix = "snapshots/" + server.demo().companyId()
        + "/20260302T000000Z_20260303T000000Z/";
    byte[] sig = Files.readAllBytes(archive().resolve(prefix + "manifest.sig"));
    assertThat(chain()).hasSize(1060);

    // Rotation: key 2 is active, key 1 retired (still accepted and published).
    PemNoteSigner key2 = Ed25519Keys.writeNewPrivateKey(keys.resolve("key2.key.pem"),
        "hyrelog.local", new SecureRandom());
    server = server.restart(Map.of("HYRELOG_SIGNING_KEY_FILE",
        keys.resolve("key2.key.pem").toString(), "HYRELOG_VERIFICATION_KEY_FILES",
        keys.resolve("key1.pub.pem").toString(), "HYRELOG_JOBS_ENABLED", "false"), clock);
    http = server.http();
    JsonNode result = run(DAY2, DAY3);
    JsonNode one = result.path("snapshots").get(0);
    assertThat(one.path("created").asBoolean()).as(result.toString()).isTrue();
    String key1Id = String.format("%08x", key1.keyId());
    assertThat(key1Id).isNotEqualTo(key2.keyId());
    assertThat(result.path("signature_key_id").asText()).isEqualTo(key1Id);
    assertThat(one.path("signature_key_name").asText()).isEqualTo("hyrelog.local");
    assertThat(one.path("sealed").get(0).path("to_seq").asLong()).isEqualTo(1055);

    // The stored signature is kept, and verifies with key 1's published (retired) verifier.
    assertThat(Files.readAllBytes(archive().resolve(prefix + "manifest.sig"))).isEqualTo(sig);
    List<NoteVerifier> published = publishedKeys();
    assertThat(published).contains(key1, key2.verifier());
    NoteVerifier retired = published.stream().filter(v -> v.equals(key1)).findFirst()
        .orElseThrow();
    assertThat(SignedNote.parse(new String(sig, StandardCharsets.UTF_8))
        .verify(List.of(retired))).containsExactly(key1);
    // The crashed run's snapshot.created event names key 1 and is not appended twice.
    List<JsonNode> events = chain();
    assertThat(events).hasSize(1060);
    assertThat(events.get(1059).path("action").asText()).isEqualTo("snapshot.created");
    assertThat(events.get(1059).path("metadata").path("signatureKeyId").asText())
        .isEqualTo(key1Id);
    // Recorded with key 1: a rerun reports it unchanged.
    JsonNode again = run(DAY2, DAY3);
    assertThat(again.path("snapshots").get(0).path("created").asBoolean()).isFalse();
    assertThat(again.path("signature_key_id").asText()).isEqualTo(key1Id);
  }

  @Test
  void snapshot_storedSignatureByAnUnknownKey_failsClearlyAndRecordsNothing(
      @TempDir Path keys) throws Exception {
    NoteVerifier key1 = key1(keys);
    crashBeforeRecording(DAY2, DAY3);
    // Rotated without listing key 1: its signature is by a key this server does not accept.
    Ed25519Keys.writeNewPrivateKey(keys.resolve("key2.key.pem"), "hyrelog.local",
        new SecureRandom());
    server = server.restart(Map.of("HYRELOG_SIGNING_KEY_FILE",
        keys.resolve("key2.key.pem").toString(), "HYRELOG_JOBS_ENABLED", "false"), clock);
    http = server.http();
    String message = failed("{\"from\":\"" + DAY2 + "\",\"to\":\"" + DAY3 + "\"}")
        .path("error_message").asText();
    assertThat(message).contains("already holds a different snapshots/", "manifest.sig",
        "does not accept", "hyrelog.local+" + String.format("%08x", key1.keyId()),
        "HYRELOG_VERIFICATION_KEY_FILES");
    // Nothing recorded: the period can still be sealed by no one else, and the rerun fails
    // the same way; the chain holds only the crashed run's event.
    assertThat(failed("{\"from\":\"" + DAY2 + "\",\"to\":\"" + DAY3 + "\"}")
        .path("error_message").asText()).contains("does not accept");
    assertThat(chain()).hasSize(1060);
    assertThat(snapshotFiles()).hasSize(2);
    assertThat(run(DAY1, DAY2).path("snapshots").get(0).path("created").asBoolean()).isTrue();
  }

  @Test
  void snapshot_storedSignatureOverAnotherStatement_failsAndRecordsNothing() throws Exception {
    // Signed by the active key itself, but not over this period's statement.
    PemNoteSigner active = Ed25519Keys.readSigner("hyrelog.local",
        server.dataDir().resolve(ServerSigning.EMBEDDED_KEY_FILE));
    String key = "snapshots/" + server.demo().companyId()
        + "/20260301T000000Z_20260302T000000Z/manifest.sig";
    String other = new SnapshotStatement("hyrelog.local", server.demo().companyId(),
        java.util.UUID.randomUUID(), DAY1, DAY2, 5, Digest.sha256(new byte[0])).sign(active);
    LocalDirectoryArchiveStore.builder(archive()).build()
        .put(key, new ByteArrayInputStream(other.getBytes(StandardCharsets.UTF_8)));
    assertThat(failed("{\"from\":\"" + DAY1 + "\",\"to\":\"" + DAY2 + "\"}")
        .path("error_message").asText()).contains("already holds a different " + key,
        "signed over another statement");
    assertThat(chain()).hasSize(1059);
  }
}
