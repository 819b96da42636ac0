package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.AuditEvent;
import io.hyrelog.export.EventProofs;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.NoteVerifier;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code "proofs": true} exports over real HTTP against a real server (embedded PostgreSQL,
 * stored tiles): a filtered export across 300 events (more than one full tile) comes with a
 * proofs companion whose checkpoints verify with the published keys only and whose every proof
 * puts its event in that checkpoint's tree; the export's own bytes are those of the same export
 * without proofs; the companion is the same on every download, 404 to another tenant and to a
 * job without proofs; CSV with proofs is refused.
 */
class ExportProofsIT {
  private static TestServer server;
  private static String[] auth;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    auth = new String[] {"Authorization", "Bearer " + server.demo().workspaceKey()};
    StringBuilder batch = new StringBuilder("{\"events\":[");
    for (int i = 0; i < 300; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"category\":\"")
          .append(i % 7 == 0 ? "billing" : "user").append("\",\"action\":\"a").append(i)
          .append("\"}");
    }
    TestHttp.Response r = server.http().post("/v1/events/batch", batch.append("]}").toString(),
        auth[0], auth[1], "Content-Type", "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonNode create(String body, String... headers) {
    TestHttp.Response r = server.http().post("/v1/exports", body, headers.length > 0 ? headers
        : new String[] {auth[0], auth[1], "Content-Type", "application/json"});
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json();
  }

  private static TestHttp.Response get(String path) {
    return server.http().get(path, auth);
  }

  @Test
  void filteredExport_everyEventProvenInItsSignedCheckpoint() throws Exception {
    JsonNode job = create("{\"filters\":{\"category\":\"billing\"},\"proofs\":true}");
    assertThat(job.path("proofs").asBoolean()).isTrue();
    String id = job.path("jobId").asText();
    assertThat(job.path("proofsDownload").asText()).isEqualTo("/v1/exports/" + id + "/proofs");
    byte[] export = get("/v1/exports/" + id + "/download").body();
    TestHttp.Response proofs = get("/v1/exports/" + id + "/proofs");
    assertThat(proofs.status()).as(proofs.text()).isEqualTo(200);
    assertThat(proofs.header("Content-Type")).startsWith("application/x-ndjson");

    List<NoteVerifier> keys = new ArrayList<>();
    for (JsonNode k : server.http().get("/v1/signing-keys").json().path("data")) {
      keys.add(NoteVerifier.parse(k.path("verifierKey").asText()));
    }
    List<AuditEvent> events = new ArrayList<>();
    try (JsonlEventReader r = new JsonlEventReader(new ByteArrayInputStream(export))) {
      for (JsonlEventReader.Line l = r.next(); l != null; l = r.next()) {
        events.add(l.event());
      }
    }
    assertThat(events).hasSize(43).allMatch(e -> e.category().equals("billing"));
    try (EventProofs.Reader r = new EventProofs.Reader(new ByteArrayInputStream(
        proofs.body()))) {
      Map<UUID, ChainCheckpoint> cps = new HashMap<>();
      for (EventProofs.CheckpointLine c : r.checkpoints()) {
        cps.put(c.workspaceId(), ChainCheckpoint.verifyNote(c.note(), keys));
      }
      UUID ws = server.demo().workspaceId();
      assertThat(cps).containsOnlyKeys(ws);
      assertThat(cps.get(ws).size()).as("the snapshot's head").isEqualTo(300);
      for (AuditEvent e : events) {
        EventProofs.ProofLine line = r.next();
        assertThat(EventProofs.check(cps.get(ws), e.workspaceId(), e.seq(), e.hash(), line,
            r.lineNumber())).as("seq " + e.seq()).isEmpty();
      }
      assertThat(r.next()).isNull();
    }
    // Later appends change neither file: the checkpoint is the snapshot's, signed again alike.
    assertThat(server.http().post("/v1/events", "{\"category\":\"billing\",\"action\":\"x\"}",
        auth[0], auth[1], "Content-Type", "application/json").status()).isEqualTo(201);
    assertThat(get("/v1/exports/" + id + "/proofs").body()).isEqualTo(proofs.body());
    assertThat(get("/v1/exports/" + id + "/download").body()).isEqualTo(export);
  }

  @Test
  void exportBytes_sameWithAndWithoutProofs() {
    String filters = "\"filters\":{\"category\":\"user\",\"to\":\"2999-01-01T00:00:00Z\"}";
    JsonNode with = create("{" + filters + ",\"proofs\":true}");
    JsonNode without = create("{" + filters + "}");
    assertThat(without.path("proofs").asBoolean()).isFalse();
    assertThat(without.path("proofsDownload").isNull()).isTrue();
    byte[] a = get("/v1/exports/" + with.path("jobId").asText() + "/download").body();
    byte[] b = get("/v1/exports/" + without.path("jobId").asText() + "/download").body();
    assertThat(a).isNotEmpty().isEqualTo(b);
    TestHttp.Response none = get("/v1/exports/" + without.path("jobId").asText() + "/proofs");
    TestHttp.problem(none, 404, "NOT_FOUND", null);
    assertThat(none.json().path("detail").asText()).contains("\"proofs\": true");
  }

  @Test
  void proofsOfAnotherTenantsExport_notFound() {
    JsonNode job = create("{\"proofs\":true,\"filters\":{\"category\":\"billing\"}}");
    DemoCredentials other = server.newTenant();
    TestHttp.Response r = server.http().get("/v1/exports/" + job.path("jobId").asText()
        + "/proofs", "Authorization", "Bearer " + other.companyKey());
    assertThat(r.status()).as(r.text()).isEqualTo(404);
    assertThat(r.json().path("code").asText()).isEqualTo("NOT_FOUND");
  }

  @Test
  void csvWithProofs_isA400NamingTheField() {
    TestHttp.Response r = server.http().post("/v1/exports", "{\"format\":\"CSV\","
        + "\"proofs\":true}", auth[0], auth[1], "Content-Type", "application/json");
    TestHttp.problem(r, 400, "VALIDATION_ERROR", "/proofs");
    assertThat(r.text()).contains("NOT_ALLOWED");
    TestHttp.problem(server.http().post("/v1/exports", "{\"proofs\":\"yes\"}", auth[0], auth[1],
        "Content-Type", "application/json"), 400, "VALIDATION_ERROR", "/proofs");
  }
}
