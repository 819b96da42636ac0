package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyrelog.Digest;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.ConsistencyProof;
import io.hyrelog.integrity.InclusionProof;
import io.hyrelog.integrity.InvalidProofException;
import io.hyrelog.integrity.MerkleProofs;
import io.hyrelog.integrity.NoteVerifier;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Inclusion and consistency proofs and tiles over HTTP, as an auditor uses them: trusting only
 * the published key, a signed checkpoint taken at 100 events and one at 300, the proofs the
 * server gives verify against those roots with the library's RFC 9162 verifier, and the tiles
 * hold exactly the event hashes of the exported chain.
 */
class ProofRoutesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestServer server;
  private static ChainCheckpoint at100;
  private static ChainCheckpoint at300;
  private static List<Digest> hashes;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    ingest(100, "a");
    at100 = checkpoint();
    ingest(200, "b");
    at300 = checkpoint();
    hashes = exportedHashes();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void inclusion_everyEventOfTheChain_verifiesAgainstTheSignedCheckpoints() {
    assertThat(hashes).hasSize(300);
    for (long seq : new long[] {1, 2, 99, 100}) {
      InclusionProof p = inclusion(seq, 100);
      assertThat(p.leafIndex()).isEqualTo(seq - 1);
      assertThat(p.treeSize()).isEqualTo(100);
      assertThat(p.leafHash()).isEqualTo(hashes.get((int) seq - 1));
      MerkleProofs.verifyInclusion(p, at100.root());
    }
    for (long seq = 1; seq <= 300; seq += 37) {
      MerkleProofs.verifyInclusion(inclusion(seq, 300), at300.root());
    }
    MerkleProofs.verifyInclusion(inclusion(300, 300), at300.root());
    // A proof for one size does not verify against the root of another.
    assertThatThrownBy(() -> MerkleProofs.verifyInclusion(inclusion(5, 300), at100.root()))
        .isInstanceOf(InvalidProofException.class);
  }

  @Test
  void consistency_theLaterCheckpointExtendsTheEarlierOne() {
    ConsistencyProof p = consistency(100, 300);
    assertThat(p.from()).isEqualTo(100);
    assertThat(p.to()).isEqualTo(300);
    MerkleProofs.verifyConsistency(p, at100.root(), at300.root());
    MerkleProofs.verifyConsistency(consistency(300, 300), at300.root(), at300.root());
    assertThatThrownBy(() -> MerkleProofs.verifyConsistency(consistency(99, 300),
        at100.root(), at300.root())).isInstanceOf(InvalidProofException.class);
  }

  @Test
  void tiles_holdTheEventHashes_fullOnesImmutable() {
    // 300 leaves: a full level-0 tile 0 and a partial tile 1 of 44 hashes.
    TestHttp.Response full = get("/tile/0/000");
    assertThat(full.status()).as(full.text()).isEqualTo(200);
    assertThat(full.header("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(full.header("Cache-Control")).contains("immutable");
    assertThat(full.body()).isEqualTo(concat(hashes.subList(0, 256)));
    TestHttp.Response partial = get("/tile/0/001.p/44");
    assertThat(partial.status()).as(partial.text()).isEqualTo(200);
    assertThat(partial.header("Cache-Control")).doesNotContain("immutable");
    assertThat(partial.body()).isEqualTo(concat(hashes.subList(256, 300)));
    // Narrower than stored: the prefix, as tlog-tiles clients ask for older sizes.
    assertThat(get("/tile/0/001.p/3").body()).isEqualTo(concat(hashes.subList(256, 259)));
    // Level 1 holds the root of each full level-0 tile: one so far.
    TestHttp.Response level1 = get("/tile/1/000.p/1");
    assertThat(level1.status()).as(level1.text()).isEqualTo(200);
    assertThat(level1.body()).hasSize(32);
    assertThat(get("/tile/0/002.p/1").status()).isEqualTo(404);
    assertThat(get("/tile/0/001").status()).as("the full tile 1 does not exist yet")
        .isEqualTo(404);
  }

  @Test
  void badRequests_areSpecificProblems() {
    TestHttp.problem(get("/proof/inclusion?seq=1&treeSize=301"), 400, "VALIDATION_ERROR",
        "treeSize");
    assertThat(get("/proof/inclusion?seq=1&treeSize=301").text()).contains("BEYOND_HEAD");
    TestHttp.problem(get("/proof/consistency?from=1&to=301"), 400, "VALIDATION_ERROR", "to");
    TestHttp.problem(get("/proof/inclusion?seq=5&treeSize=4"), 400, "VALIDATION_ERROR", "seq");
    TestHttp.problem(get("/proof/consistency?from=5&to=4"), 400, "VALIDATION_ERROR", "from");
    TestHttp.problem(get("/proof/inclusion?treeSize=4"), 400, "VALIDATION_ERROR", "seq");
    TestHttp.problem(get("/proof/inclusion?seq=0&treeSize=4"), 400, "VALIDATION_ERROR", "seq");
    TestHttp.problem(get("/proof/inclusion?seq=1&treeSize=4&x=1"), 400, "VALIDATION_ERROR",
        "x");
    TestHttp.problem(get("/tile/0/0001"), 400, "VALIDATION_ERROR", "path");
    TestHttp.problem(get("/tile/0/000.p/256"), 400, "VALIDATION_ERROR", "path");
  }

  @Test
  void anotherTenantsChain_isNotFound() {
    DemoCredentials other = server.newTenant();
    for (String path : List.of("/proof/inclusion?seq=1&treeSize=1",
        "/proof/consistency?from=1&to=1", "/tile/0/000")) {
      TestHttp.Response r = server.http().get("/v1/chains/" + server.demo().workspaceId()
          + path, "Authorization", "Bearer " + other.workspaceKey());
      assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(404);
    }
  }

  @Test
  void backfillJob_buildsTheTilesOfAChainWrittenWithoutThem() throws Exception {
    try (TestServer s = TestServer.start()) {
      StringBuilder batch = new StringBuilder("{\"events\":[");
      for (int i = 0; i < 300; i++) {
        batch.append(i == 0 ? "" : ",").append("{\"category\":\"user\",\"action\":\"login\"}");
      }
      String[] auth = {"Authorization", "Bearer " + s.demo().workspaceKey()};
      assertThat(s.http().post("/v1/events/batch", batch.append("]}").toString(), auth[0],
          auth[1], "Content-Type", "application/json").status()).isEqualTo(201);
      String tile = "/v1/chains/" + s.demo().workspaceId() + "/tile/0/000";
      byte[] built = s.http().get(tile, auth).body();
      // As a chain stored before tiles existed: no tiles, a tree of size 0.
      try (java.sql.Connection c = s.owner().getConnection();
          java.sql.Statement st = c.createStatement()) {
        st.execute("ALTER TABLE hyrelog.chain_tiles DISABLE TRIGGER chain_tiles_grow_only");
        st.execute("DELETE FROM hyrelog.chain_tiles");
        st.execute("ALTER TABLE hyrelog.chain_tiles ENABLE TRIGGER chain_tiles_grow_only");
        st.execute("UPDATE hyrelog.chain_heads SET tree_size = 0");
      }
      assertThat(s.http().get(tile, auth).status()).isEqualTo(404);

      TestHttp.Response run = s.http().post("/ops/jobs/chains.backfill_tiles/run", "{}",
          "x-internal-token", s.internalToken(), "Content-Type", "application/json");
      assertThat(run.status()).as(run.text()).isEqualTo(201);
      JsonNode result = run.json().path("result");
      assertThat(result.path("chains_completed").asInt()).as(run.text()).isEqualTo(1);
      assertThat(result.path("leaves_added").asLong()).isEqualTo(300);
      assertThat(result.path("blocked_chains").asInt()).isZero();
      assertThat(result.path("pending_chains").asLong()).isZero();
      TestHttp.Response after = s.http().get(tile, auth);
      assertThat(after.status()).isEqualTo(200);
      assertThat(after.body()).isEqualTo(built);
    }
  }

  private static InclusionProof inclusion(long seq, long treeSize) {
    TestHttp.Response r = get("/proof/inclusion?seq=" + seq + "&treeSize=" + treeSize);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return InclusionProof.parseJson(r.text());
  }

  private static ConsistencyProof consistency(long from, long to) {
    TestHttp.Response r = get("/proof/consistency?from=" + from + "&to=" + to);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return ConsistencyProof.parseJson(r.text());
  }

  private static TestHttp.Response get(String chainPath) {
    return server.http().get("/v1/chains/" + server.demo().workspaceId() + chainPath,
        "Authorization", "Bearer " + server.demo().workspaceKey());
  }

  private static void ingest(int n, String tag) {
    StringBuilder batch = new StringBuilder("{\"events\":[");
    for (int i = 0; i < n; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"category\":\"user\",\"action\":\"login\","
          + "\"actor\":{\"id\":\"u-").append(tag).append('-').append(i).append("\"}}");
    }
    TestHttp.Response r = server.http().post("/v1/events/batch", batch.append("]}").toString(),
        "Authorization", "Bearer " + server.demo().workspaceKey(), "Content-Type",
        "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
  }

  /** The head checkpoint, verified with the published keys only. */
  private static ChainCheckpoint checkpoint() {
    TestHttp.Response keys = server.http().get("/v1/signing-keys");
    List<NoteVerifier> verifiers = new ArrayList<>();
    for (JsonNode k : keys.json().path("data")) {
      verifiers.add(NoteVerifier.parse(k.path("verifierKey").asText()));
    }
    TestHttp.Response r = get("/checkpoint");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return ChainCheckpoint.verifyNote(r.text(), verifiers);
  }

  private static List<Digest> exportedHashes() throws JsonProcessingException {
    TestHttp.Response r = get("/events.jsonl");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    List<Digest> out = new ArrayList<>();
    for (String line : new String(r.body(), StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        out.add(Digest.parseHex(JSON.readTree(line).path("hash").asText()));
      }
    }
    return out;
  }

  private static byte[] concat(List<Digest> ds) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Digest d : ds) {
      out.writeBytes(d.bytes());
    }
    return out.toByteArray();
  }
}
