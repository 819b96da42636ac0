package io.hyrelog.server.internal.witness;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hyrelog.DataRegion;
import io.hyrelog.EventScope;
import io.hyrelog.IdSource;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.compliance.witness.AddCheckpointRequest;
import io.hyrelog.compliance.witness.Cosigner;
import io.hyrelog.compliance.witness.Witness;
import io.hyrelog.compliance.witness.WitnessResponse;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.log.EventLog;
import io.hyrelog.server.config.WitnessSettings;
import io.hyrelog.spi.CheckpointRecords.Refusal;
import io.hyrelog.testkit.InMemoryCheckpointRecords;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import io.hyrelog.testkit.SeededKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One submission to one witness over real HTTP (the JDK's server) against the testkit's
 * in-memory store and records: the answers a witness that misbehaves or holds another history
 * gives, which the end-to-end test cannot produce with an honest library witness. The
 * misbehaving answers are scripted; the others come from the library {@link Witness}.
 */
class WitnessingTest {
  private static final String NS = "log.example";
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final Ed25519NoteSigner logKey = SeededKeys.signer(NS, 1);
  private final Cosigner witnessKey = Cosigner.of(SeededKeys.signer("witness.example/w", 2));
  private final InMemoryEventStore store = new InMemoryEventStore();
  private final InMemoryCheckpointRecords records = new InMemoryCheckpointRecords(store);
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private final List<String> requests = new ArrayList<>();
  private EventLog log;
  private EventScope chain;
  private HttpServer http;
  private volatile Function<String, String[]> script; // body -> {status, response body}
  private Witnessing witnessing;
  private WitnessSettings.Witness witness;
  @TempDir
  Path state;

  @BeforeEach
  void setUp() throws IOException {
    log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 7)).build();
    WorkspaceRef ws = SampleEvents.workspace(5, DataRegion.US);
    chain = EventScope.workspace(ws.companyId(), ws.workspaceId());
    SampleEvents samples = new SampleEvents(9);
    for (int i = 0; i < 10; i++) {
      log.append(ws, samples.next(clock.instant()));
    }
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    http.createContext("/add-checkpoint", this::handle);
    http.start();
    witness = new WitnessSettings.Witness(witnessKey.verifier(),
        URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/"));
    witnessing = new Witnessing(new WitnessSettings(List.of(witness), true), metrics, clock,
        Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  @AfterEach
  void tearDown() {
    witnessing.close();
    http.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(body);
      String[] answer = script.apply(body);
      byte[] bytes = answer[1].getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(Integer.parseInt(answer[0]), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  private String note() {
    String text = log.checkpoint(NS, chain).toCheckpoint().body();
    return new SignedNote(text, List.of(logKey.sign(text))).format();
  }

  private Witnessing.Outcome submit() throws InterruptedException {
    return witnessing.submit(witness, new Witnessing.Target(log, records), chain, note());
  }

  private Witness libraryWitness(Cosigner key) {
    return Witness.builder(key, state).logPrefix(NS + "/chains/", logKey.verifier())
        .clock(clock).build();
  }

  private static String[] answer(WitnessResponse r) {
    return new String[] {Integer.toString(r.httpStatus()), r.body()};
  }

  private double counter(String name, String reason) {
    var c = metrics.find(name).tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void submit_honestWitness_cosignedStored_thenAlreadyCosigned() throws Exception {
    try (Witness w = libraryWitness(witnessKey)) {
      script = body -> answer(w.addCheckpoint(body));
      assertThat(submit()).isEqualTo(Witnessing.Outcome.COSIGNED);
      assertThat(records.cosignatures(chain.workspaceId(), 10)).hasSize(1);
      assertThat(records.witnessSize(witness.label(), chain.workspaceId())).isEqualTo(10);
      assertThat(submit()).isEqualTo(Witnessing.Outcome.ALREADY_COSIGNED);
      assertThat(requests).hasSize(1);
      String served = witnessing.cosigned(new Witnessing.Target(log, records),
          new Witnessing.Target(log, records), chain, note());
      assertThat(witnessKey.verifier().find(SignedNote.parse(served))).isPresent();
    }
  }

  @Test
  void submit_witnessAheadOfTheHead_refusedAsRollback() throws Exception {
    try (Witness w = libraryWitness(witnessKey)) {
      // The witness cosigned 50 events of this chain: more than the log now holds.
      String text = new ChainCheckpoint(NS, chain.workspaceId(), 50,
          io.hyrelog.Digest.of(new byte[32]), io.hyrelog.Digest.of(new byte[32]))
          .toCheckpoint().body();
      w.addCheckpoint(new AddCheckpointRequest(0, List.of(),
          new SignedNote(text, List.of(logKey.sign(text)))));
      script = body -> answer(w.addCheckpoint(body));
      assertThat(submit()).isEqualTo(Witnessing.Outcome.REFUSED);
      assertThat(records.refusals(chain.workspaceId(), 10)).singleElement()
          .extracting(Refusal::reason, Refusal::witnessSize, Refusal::treeSize)
          .containsExactly("rollback", 50L, 10L);
      assertThat(counter("hyrelog.witness.refusals", "rollback")).isEqualTo(1);
      assertThat(records.cosignatures(chain.workspaceId(), 10)).isEmpty();
    }
  }

  @Test
  void submit_cosignatureOfAnotherKey_refusedAsBadCosignature_nothingStored() throws Exception {
    Cosigner impostor = Cosigner.of(SeededKeys.signer("witness.example/w", 3));
    try (Witness w = libraryWitness(impostor)) {
      script = body -> answer(w.addCheckpoint(body));
      assertThat(submit()).isEqualTo(Witnessing.Outcome.REFUSED);
      assertThat(records.refusals(chain.workspaceId(), 10)).extracting(Refusal::reason)
          .containsExactly("bad_cosignature");
      assertThat(records.cosignatures(chain.workspaceId(), 10)).isEmpty();
      assertThat(records.witnessSize(witness.label(), chain.workspaceId())).isZero();
    }
  }

  @Test
  void submit_conflictThatDoesNotResolve_retriedOnceFromTheWitnessSize_thenRefused()
      throws Exception {
    script = body -> new String[] {"409", "4\n"};
    assertThat(submit()).isEqualTo(Witnessing.Outcome.REFUSED);
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0)).startsWith("old 0\n\n");
    AddCheckpointRequest retry = AddCheckpointRequest.parse(requests.get(1));
    assertThat(retry.oldSize()).isEqualTo(4);
    assertThat(retry.proof()).isEqualTo(log.consistencyProof(chain, 4, 10).hashes());
    assertThat(records.refusals(chain.workspaceId(), 10)).extracting(Refusal::reason)
        .containsExactly("conflict");
  }

  @Test
  void submit_serverErrorOrOversizedAnswer_failedAndCounted_nothingRecorded() throws Exception {
    script = body -> new String[] {"503", "busy\n"};
    assertThat(submit()).isEqualTo(Witnessing.Outcome.FAILED);
    assertThat(counter("hyrelog.witness.failures", "http_503")).isEqualTo(1);
    script = body -> new String[] {"200", "x".repeat(WitnessClient.MAX_BODY + 1)};
    assertThat(submit()).isEqualTo(Witnessing.Outcome.FAILED);
    assertThat(counter("hyrelog.witness.failures", "response_too_large")).isEqualTo(1);
    assertThat(records.refusals(chain.workspaceId(), 10)).isEmpty();
    assertThat(records.cosignatures(chain.workspaceId(), 10)).isEmpty();
  }
}
