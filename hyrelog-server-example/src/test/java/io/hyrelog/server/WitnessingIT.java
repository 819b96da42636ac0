package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.Digest;
import io.hyrelog.compliance.Ed25519Keys;
import io.hyrelog.compliance.witness.AddCheckpointRequest;
import io.hyrelog.compliance.witness.Cosigner;
import io.hyrelog.compliance.witness.WitnessResponse;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.NoteSigner;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.server.internal.signing.ServerSigning;
import io.hyrelog.server.internal.witness.Witnessing;
import io.hyrelog.testkit.SeededKeys;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * Witnessing end to end: a real server on PostgreSQL submits its signed checkpoints over HTTP
 * to four real C2SP witnesses (the library {@link io.hyrelog.compliance.witness.Witness} behind
 * the JDK's HTTP server): an honest one, one that holds another tree for the demo chain (a
 * fork), one that holds every request until released (a slow witness), and a closed port (a
 * dead one). The tests build on each other in order, on one chain that grows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WitnessingIT {
  private static final String JSON = "Content-Type";
  private static TestWitness honest;
  private static TestWitness forked;
  private static TestWitness held;
  private static String deadName = "witness.example/dead";
  private static TestServer server;
  private static NoteVerifier logKey;
  private static ListAppender<ILoggingEvent> logs;
  private static Logger witnessingLog;

  @BeforeAll
  static void start() throws IOException {
    honest = new TestWitness("witness.example/honest", 101);
    forked = new TestWitness("witness.example/forked", 102);
    held = new TestWitness("witness.example/held", 103);
    held.hold();
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    String dead = Cosigner.of(SeededKeys.signer(deadName, 104)).verifier().verifierKey()
        + "=http://127.0.0.1:" + deadPort + "/";
    witnessingLog = (Logger) LoggerFactory.getLogger(Witnessing.class);
    logs = new ListAppender<>();
    logs.start();
    witnessingLog.addAppender(logs);
    server = TestServer.start(Map.of(
        "HYRELOG_WITNESS_URLS", String.join(",", honest.entry(), forked.entry(), held.entry(),
            dead),
        "HYRELOG_WITNESS_ALLOW_PRIVATE_NETWORKS", "true",
        // Jobs run only when a test asks (synchronously, over the ops route).
        "HYRELOG_JOBS_ENABLED", "false"), Clock.systemUTC());
    JsonNode key = server.http().get("/v1/signing-keys").json().get("data").get(0);
    logKey = NoteVerifier.parse(key.get("verifierKey").asText());
    honest.trust(logKey);
    forked.trust(logKey);
    held.trust(logKey);
    // The forked witness cosigned another tree of the demo chain: 2 events that never were.
    NoteSigner serverKey = Ed25519Keys.readSigner(logKey.name(),
        server.dataDir().resolve(ServerSigning.EMBEDDED_KEY_FILE));
    String fake = new ChainCheckpoint(logKey.name(), server.demo().workspaceId(), 2, Digest.of(new byte[32]), Digest.of(new byte[32]))
        .toCheckpoint().body();
    WitnessResponse seeded = forked.witness().addCheckpoint(new AddCheckpointRequest(0,
        List.of(), new SignedNote(fake, List.of(serverKey.sign(fake)))));
    assertThat(seeded.status()).isEqualTo(WitnessResponse.Status.COSIGNED);
  }

  @AfterAll
  static void stop() {
    witnessingLog.detachAppender(logs);
    try {
      server.close();
    } finally {
      honest.close();
      forked.close();
      held.close();
    }
  }

  @Test
  @Order(1)
  void checkpoint_cosignedByTheHonestWitness_aLineThatVerifies_logKeyClientsStillAccept()
      throws Exception {
    ingest(server.demo().workspaceKey(), 10);
    String first = checkpoint(server.demo(), 200);
    assertThat(ChainCheckpoint.verifyNote(first, List.of(logKey)).size()).isEqualTo(10);
    // The held witness has the checkpoint and keeps it: the route answered all the same.
    assertThat(held.awaitRequest()).isTrue();

    String note = awaitCosigned(server.demo(), honest);
    SignedNote signed = SignedNote.parse(note);
    assertThat(signed.signatures()).hasSize(2);
    assertThat(honest.verifier().find(signed)).isPresent();
    assertThat(forked.verifier().find(signed)).isEmpty();
    // A client trusting only the log key ignores the cosignature line (C2SP signed-note).
    ChainCheckpoint cp = ChainCheckpoint.verifyNote(note, List.of(logKey));
    assertThat(cp.size()).isEqualTo(10);
    assertThat(note).startsWith(signed.text());
    assertThat(honest.witness().size(cp.origin())).isEqualTo(10);
    assertThat(honest.requests().get(0)).startsWith("old 0\n\n");
  }

  @Test
  @Order(2)
  void growth_cosignedAgain_withAConsistencyProofFromTheWitnessSize() throws Exception {
    ingest(server.demo().workspaceKey(), 20);
    String note = awaitCosigned(server.demo(), honest);
    ChainCheckpoint cp = ChainCheckpoint.verifyNote(note, List.of(logKey));
    assertThat(cp.size()).isEqualTo(30);
    assertThat(honest.verifier().find(SignedNote.parse(note))).isPresent();
    assertThat(honest.witness().size(cp.origin())).isEqualTo(30);
    String last = honest.requests().get(honest.requests().size() - 1);
    assertThat(last).startsWith("old 10\n");
    AddCheckpointRequest req = AddCheckpointRequest.parse(last);
    assertThat(req.proof()).isNotEmpty();
  }

  @Test
  @Order(3)
  void forkedWitness_refuses_recordedCountedAndLoggedOncePerSize() throws Exception {
    UUID ws = server.demo().workspaceId();
    String label = forked.verifier().name() + "+"
        + String.format("%08x", forked.verifier().keyId());
    await(() -> refusals(ws, label).contains("30 2 inconsistent"));
    assertThat(refusals(ws, label)).contains("10 2 inconsistent");
    // Asked again at the same size (every checkpoint request hands it over): one ERROR only.
    int before = forked.requests().size();
    for (int i = 0; i < 3; i++) {
      checkpoint(server.demo(), 200);
      int want = before + i + 1;
      await(() -> forked.requests().size() >= want);
    }
    await(() -> metric("hyrelog_witness_refusals_total{reason=\"inconsistent\",witness=\""
        + forked.verifier().name() + "\"}") >= 4);
    List<ILoggingEvent> errors = logs.list.stream()
        .filter(e -> e.getLevel() == Level.ERROR && e.getFormattedMessage().contains(label)
            && e.getFormattedMessage().contains("at size 30 ")).toList();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).getFormattedMessage()).contains("inconsistent")
        .contains("forked or rolled back").doesNotContain(logKey.verifierKey());
    // Its refusal took nothing from the honest witness's cosignature.
    assertThat(honest.verifier().find(SignedNote.parse(checkpoint(server.demo(), 200))))
        .isPresent();
  }

  @Test
  @Order(4)
  void slowAndDeadWitnesses_neitherDelayTheRoute_failuresCounted_slowOneCosignsWhenReleased()
      throws Exception {
    // The held witness still holds the first request: every route call above answered.
    assertThat(held.requests()).isNotEmpty();
    checkpoint(server.demo(), 200);
    await(() -> metric("hyrelog_witness_failures_total{reason=\"connect\",witness=\""
        + deadName + "\"}") >= 1);
    held.release();
    String note = awaitCosigned(server.demo(), held);
    assertThat(held.verifier().find(SignedNote.parse(note))).isPresent();
    assertThat(honest.verifier().find(SignedNote.parse(note))).isPresent();
  }

  @Test
  @Order(5)
  void witnessJob_cosignsChainsNobodyAskedFor_andTenantsSeeOnlyTheirOwn() throws Exception {
    DemoCredentials other = server.newTenant();
    ingest(other.workspaceKey(), 3);
    JsonNode result = runJob("checkpoints.witness");
    JsonNode byHonest = result.get("witnesses").get(honest.verifier().name() + "+"
        + String.format("%08x", honest.verifier().keyId()));
    assertThat(byHonest.get("cosigned").asInt()).as(result.toString()).isEqualTo(1);
    assertThat(result.get("witnesses").get(Cosigner.of(SeededKeys.signer(deadName, 104))
        .verifier().name() + "+" + String.format("%08x", Cosigner.of(SeededKeys.signer(
            deadName, 104)).verifier().keyId())).get("failed").asInt()).isEqualTo(1);

    String note = checkpoint(other, 200);
    ChainCheckpoint cp = ChainCheckpoint.verifyNote(note, List.of(logKey));
    assertThat(cp.chainId()).isEqualTo(other.workspaceId());
    assertThat(honest.verifier().find(SignedNote.parse(note))).as("its own chain's line")
        .isPresent();
    // Another tenant's chain: not found, whatever its cosignatures.
    TestHttp.Response r = server.http().get("/v1/chains/" + server.demo().workspaceId()
        + "/checkpoint", "Authorization", "Bearer " + other.workspaceKey());
    assertThat(r.status()).as(r.text()).isEqualTo(404);
  }

  @Test
  @Order(6)
  void publishJob_writesEachChainOnce_survivesARerunAndACrashBeforeRecording()
      throws Exception {
    JsonNode first = runJob("checkpoints.publish");
    assertThat(first.get("published").asInt()).as(first.toString()).isEqualTo(2);
    DemoCredentials demo = server.demo();
    Path at30 = published(demo, 30);
    String note = Files.readString(at30, StandardCharsets.UTF_8);
    ChainCheckpoint cp = ChainCheckpoint.verifyNote(note, List.of(logKey));
    assertThat(cp.size()).isEqualTo(30);
    assertThat(honest.verifier().find(SignedNote.parse(note))).isPresent();

    JsonNode again = runJob("checkpoints.publish");
    assertThat(again.get("published").asInt()).as(again.toString()).isZero();
    assertThat(again.get("chains").asInt()).isZero();

    // A run that stored the note and stopped before recording it: the next run keeps the
    // stored object and records it.
    try (Connection c = server.owner().getConnection(); Statement s = c.createStatement()) {
      s.execute("DELETE FROM hyrelog.checkpoint_publications WHERE workspace_id = '"
          + demo.workspaceId() + "'");
    }
    JsonNode rerun = runJob("checkpoints.publish");
    assertThat(rerun.get("already_stored").asInt()).as(rerun.toString()).isEqualTo(1);
    assertThat(rerun.get("published").asInt()).isZero();
    assertThat(Files.readString(at30, StandardCharsets.UTF_8)).isEqualTo(note);

    ingest(demo.workspaceKey(), 1);
    JsonNode grown = runJob("checkpoints.publish");
    assertThat(grown.get("published").asInt()).as(grown.toString()).isEqualTo(1);
    assertThat(ChainCheckpoint.verifyNote(Files.readString(published(demo, 31),
        StandardCharsets.UTF_8), List.of(logKey)).size()).isEqualTo(31);
    assertThat(Files.readString(at30, StandardCharsets.UTF_8)).isEqualTo(note);
  }

  // --- helpers

  private static void ingest(String workspaceKey, int n) {
    StringBuilder batch = new StringBuilder("{\"events\":[");
    for (int i = 0; i < n; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"category\":\"user\",\"action\":\"login\"}");
    }
    TestHttp.Response r = server.http().post("/v1/events/batch", batch.append("]}").toString(),
        "Authorization", "Bearer " + workspaceKey, JSON, "application/json");
    assertThat(r.status()).as(r.text()).isIn(200, 201);
  }

  private static String checkpoint(DemoCredentials tenant, int status) {
    TestHttp.Response r = server.http().get("/v1/chains/" + tenant.workspaceId()
        + "/checkpoint", "Authorization", "Bearer " + tenant.workspaceKey());
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    return r.text();
  }

  /** The checkpoint, asked for until it carries the witness's cosignature (at most 60 s). */
  private static String awaitCosigned(DemoCredentials tenant, TestWitness w) throws Exception {
    String[] note = new String[1];
    await(() -> {
      note[0] = checkpoint(tenant, 200);
      return w.verifier().find(SignedNote.parse(note[0])).isPresent();
    });
    return note[0];
  }

  /** Waits for asynchronous submissions; fails after 60 s. */
  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within 60 s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** The recorded refusals of a witness for a chain: "treeSize witnessSize reason". */
  private static List<String> refusals(UUID ws, String label) {
    List<String> out = new ArrayList<>();
    try (Connection c = server.owner().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT tree_size, witness_size, reason FROM"
            + " hyrelog.witness_refusals WHERE workspace_id = '" + ws + "' AND witness = '"
            + label + "' ORDER BY tree_size")) {
      while (rs.next()) {
        out.add(rs.getLong(1) + " " + rs.getLong(2) + " " + rs.getString(3));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static double metric(String series) {
    String text = server.http().get("/internal/metrics", "x-internal-token",
        server.internalToken()).text();
    return text.lines().filter(l -> l.startsWith(series + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(series.length() + 1).strip())).orElse(0.0);
  }

  private static JsonNode runJob(String type) {
    TestHttp.Response r = server.http().post("/ops/jobs/" + type + "/run", "{}",
        "x-internal-token", server.internalToken(), JSON, "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.json().get("status").asText()).as(r.text()).isEqualTo("SUCCEEDED");
    return r.json().get("result");
  }

  private static Path published(DemoCredentials tenant, long size) throws IOException {
    String key = String.format("checkpoints/%s/%s/%020d.note", tenant.companyId(),
        tenant.workspaceId(), size);
    try (Stream<Path> files = Files.walk(server.dataDir().resolve("archive"))) {
      List<Path> found = files.filter(p -> p.toString().replace('\\', '/').endsWith(key))
          .toList();
      assertThat(found).as(key).hasSize(1);
      return found.get(0);
    }
  }
}
