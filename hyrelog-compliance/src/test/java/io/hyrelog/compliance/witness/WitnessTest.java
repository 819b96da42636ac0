package io.hyrelog.compliance.witness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.compliance.witness.WitnessResponse.Status;
import io.hyrelog.integrity.Checkpoint;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.InvalidSignatureException;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.testkit.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WitnessTest {
  private static final String ORIGIN = LogFixture.ORIGIN;

  @TempDir
  Path dir;

  private final LogFixture log = new LogFixture("audit.example.com", 1, 300, 1);
  /** The same log key over different leaves from leaf 5 on: a fork. */
  private final LogFixture fork = forkOf(log, 5);
  private final Cosigner cosigner = Cosigner.of(CosignatureTest.witnessKey());
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
  /** When set, the next state write fails with it (a full disk or a crash before the rename). */
  private final AtomicReference<String> failNextWrite = new AtomicReference<>();
  private Witness witness;

  private static LogFixture forkOf(LogFixture original, int from) {
    LogFixture f = new LogFixture("audit.example.com", 1, 300, 2);
    for (int i = 0; i < from; i++) {
      f.leaves.set(i, original.leaves.get(i));
    }
    return f;
  }

  @BeforeEach
  void open() {
    witness = open(dir);
  }

  @AfterEach
  void close() {
    if (witness != null) {
      witness.close();
    }
  }

  private Witness open(Path d) {
    return Witness.builder(cosigner, d)
        .log(ORIGIN, log.key.verifier())
        .clock(clock)
        .stateWriter((target, name, content) -> {
          String failure = failNextWrite.getAndSet(null);
          if ("before-rename".equals(failure)) {
            Files.write(target.resolve(name + ".tmp"), content); // written, never renamed
            throw new IOException("simulated crash before the rename");
          }
          if (failure != null) {
            throw new IOException("simulated: " + failure);
          }
          WitnessState.writeAtomically(target, name, content);
        })
        .build();
  }

  private Witness reopen() {
    witness.close();
    witness = open(dir);
    return witness;
  }

  private Map<String, String> stateFiles() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        out.put(f.getFileName().toString(), Files.readString(f));
      }
    }
    return out;
  }

  private WitnessResponse submit(String body) {
    return witness.addCheckpoint(body);
  }

  private void assertCosigned(WitnessResponse r, long size, LogFixture of) {
    assertThat(r.status()).as(r.body()).isEqualTo(Status.COSIGNED);
    assertThat(r.httpStatus()).isEqualTo(200);
    List<Cosignature> c = WitnessResponse.parseCosignatures(r.body(),
        of.checkpoint(size).body(), List.of(witness.verifier()));
    assertThat(c).hasSize(1);
    assertThat(c.get(0).time()).isEqualTo(clock.instant());
    assertThat(witness.size(ORIGIN)).isEqualTo(size);
  }

  @Test
  void addCheckpoint_firstThenExtendingCheckpoints_areCosignedAndRemembered() {
    assertCosigned(submit(log.request(0, 8)), 8, log);
    clock.advance(Duration.ofSeconds(30));
    assertCosigned(submit(log.request(8, 13)), 13, log);
    assertCosigned(submit(log.request(13, 13)), 13, log);
    assertCosigned(submit(log.request(13, 256)), 256, log);

    assertThat(reopen().size(ORIGIN)).isEqualTo(256);
    assertCosigned(submit(log.request(256, 300)), 300, log);
  }

  @Test
  void addCheckpoint_rollback_isRefusedAndChangesNothing() throws IOException {
    assertCosigned(submit(log.request(0, 10)), 10, log);
    Map<String, String> before = stateFiles();

    WitnessResponse rollback = submit(new AddCheckpointRequest(10, List.of(), log.signed(8))
        .format());
    WitnessResponse stale = submit(log.request(8, 9));

    assertThat(rollback.status()).isEqualTo(Status.BAD_REQUEST);
    assertThat(rollback.httpStatus()).isEqualTo(400);
    assertThat(stale.status()).isEqualTo(Status.CONFLICT);
    assertThat(stale.httpStatus()).isEqualTo(409);
    assertThat(stale.contentType()).isEqualTo("text/x.tlog.size");
    assertThat(WitnessResponse.parseConflictSize(stale.body())).isEqualTo(10);
    assertThat(witness.size(ORIGIN)).isEqualTo(10);
    assertThat(stateFiles()).isEqualTo(before);
  }

  @Test
  void addCheckpoint_fork_isRefusedAndChangesNothing() throws IOException {
    assertCosigned(submit(log.request(0, 7)), 7, log);
    Map<String, String> before = stateFiles();

    WitnessResponse sameSizeOtherRoot = submit(fork.request(7, 7));
    WitnessResponse forkedExtension = submit(new AddCheckpointRequest(7, fork.proof(7, 20),
        fork.signed(20)).format());
    WitnessResponse honestProofForkedRoot = submit(new AddCheckpointRequest(7, log.proof(7, 20),
        fork.signed(20)).format());

    for (WitnessResponse r : List.of(sameSizeOtherRoot, forkedExtension, honestProofForkedRoot)) {
      assertThat(r.status()).as(r.body()).isEqualTo(Status.UNPROCESSABLE);
      assertThat(r.httpStatus()).isEqualTo(422);
    }
    assertThat(sameSizeOtherRoot.body()).contains("another root");
    assertThat(forkedExtension.body()).startsWith("OLD_ROOT_MISMATCH");
    assertThat(honestProofForkedRoot.body()).startsWith("ROOT_MISMATCH");
    assertThat(witness.size(ORIGIN)).isEqualTo(7);
    assertThat(stateFiles()).isEqualTo(before);
    assertCosigned(submit(log.request(7, 20)), 20, log);
  }

  @Test
  void addCheckpoint_signatures_mustBeValidFromTheLogsKey() {
    Ed25519NoteSigner stranger = Ed25519NoteSigner.fromSeed("audit.example.com", new byte[32]);
    SignedNote byStranger = stranger.signNote(log.checkpoint(5).body());
    SignedNote good = log.signed(5);
    byte[] bad = good.signatures().get(0).signature();
    bad[3] ^= 1;
    SignedNote tampered = new SignedNote(good.text(), List.of(new NoteSignature(
        good.signatures().get(0).keyName(), good.signatures().get(0).keyId(), bad)));
    SignedNote withExtra = new SignedNote(good.text(),
        List.of(stranger.sign(good.text()), good.signatures().get(0)));

    assertThat(submit(new AddCheckpointRequest(0, List.of(), byStranger).format()).status())
        .isEqualTo(Status.FORBIDDEN);
    assertThat(submit(new AddCheckpointRequest(0, List.of(), tampered).format()).status())
        .isEqualTo(Status.FORBIDDEN);
    assertThat(witness.size(ORIGIN)).isZero();
    assertCosigned(submit(new AddCheckpointRequest(0, List.of(), withExtra).format()), 5, log);
    List<NoteSignature> kept = SignedNote.parse(witness.latest(ORIGIN).orElseThrow())
        .signatures();
    assertThat(kept).hasSize(2);
    assertThat(kept.get(0)).isEqualTo(good.signatures().get(0));
    assertThat(kept.get(1).keyId()).isEqualTo(witness.verifier().keyId());
  }

  @Test
  void addCheckpoint_unknownOriginMalformedOrInconsistentRequests_getTheSpecStatuses() {
    Checkpoint other = new Checkpoint("other.example/log", 3, log.root(3));
    WitnessResponse unknown = submit(new AddCheckpointRequest(0, List.of(),
        log.key.signNote(other.body())).format());
    WitnessResponse malformed = submit("old 01\n\n" + log.signed(3).format());
    WitnessResponse notACheckpoint = submit(new AddCheckpointRequest(0, List.of(),
        log.key.signNote("just text\n")).format());
    WitnessResponse proofFromZero = submit(new AddCheckpointRequest(0, log.proof(2, 3),
        log.signed(3)).format());
    WitnessResponse emptyWithRoot = submit(new AddCheckpointRequest(0, List.of(),
        log.key.signNote(new Checkpoint(ORIGIN, 0, log.root(1)).body())).format());

    assertThat(unknown.status()).isEqualTo(Status.UNKNOWN_LOG);
    assertThat(malformed.status()).isEqualTo(Status.BAD_REQUEST);
    assertThat(notACheckpoint.status()).isEqualTo(Status.BAD_REQUEST);
    assertThat(proofFromZero.status()).isEqualTo(Status.UNPROCESSABLE);
    assertThat(emptyWithRoot.status()).isEqualTo(Status.UNPROCESSABLE);
    assertThat(witness.size(ORIGIN)).isZero();
    assertThat(witness.latest(ORIGIN)).isEmpty();
    assertCosigned(submit(new AddCheckpointRequest(0, List.of(), log.key.signNote(
        new Checkpoint(ORIGIN, 0, MerkleTree.emptyRoot()).body())).format()), 0, log);
  }

  @Test
  void addCheckpoint_failedStateWrite_cosignsNothingAndLosesNothingAcknowledged()
      throws IOException {
    assertCosigned(submit(log.request(0, 8)), 8, log);
    String acknowledged = witness.latest(ORIGIN).orElseThrow();

    failNextWrite.set("disk full");
    assertThatThrownBy(() -> submit(log.request(8, 13)))
        .isInstanceOf(WitnessStateException.class)
        .hasMessageContaining("nothing was cosigned");
    assertThat(witness.size(ORIGIN)).isEqualTo(8);
    failNextWrite.set("before-rename");
    assertThatThrownBy(() -> submit(log.request(8, 13)))
        .isInstanceOf(WitnessStateException.class);
    assertThat(stateFiles().keySet()).anyMatch(n -> n.endsWith(".tmp"));

    Witness restarted = reopen();
    assertThat(restarted.size(ORIGIN)).isEqualTo(8);
    assertThat(restarted.latest(ORIGIN)).contains(acknowledged);
    assertCosigned(submit(log.request(8, 13)), 13, log);
    assertThat(reopen().size(ORIGIN)).isEqualTo(13);
  }

  @Test
  void latest_isTheCheckpointWithTheLogsSignatureAndTheCosignature() {
    WitnessResponse r = submit(log.request(0, 21));

    SignedNote note = SignedNote.parse(witness.latest(ORIGIN).orElseThrow());

    assertThat(note.text()).isEqualTo(log.checkpoint(21).body());
    assertThat(note.verify(List.of(log.key.verifier()))).hasSize(1);
    assertThat(witness.verifier().find(note)).contains(
        WitnessResponse.parseCosignatures(r.body(), note.text(), List.of(witness.verifier()))
            .get(0));
    assertThat(Files.exists(dir.resolve(Witness.originHash(ORIGIN)))).isTrue();
    assertThat(Witness.originHash(ORIGIN)).hasSize(64);
  }

  @Test
  void concurrentRequestsFromTheSameOldSize_cosignExactlyOneAndNeverRollBack()
      throws Exception {
    assertCosigned(submit(log.request(0, 10)), 10, log);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<WitnessResponse> responses = new ArrayList<>();
    try {
      List<Callable<WitnessResponse>> tasks = new ArrayList<>();
      for (int i = 1; i <= 8; i++) {
        int to = 10 + i * 7;
        tasks.add(() -> submit(log.request(10, to)));
      }
      for (Future<WitnessResponse> f : pool.invokeAll(tasks)) {
        responses.add(f.get());
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(responses).filteredOn(r -> r.status() == Status.COSIGNED).hasSize(1);
    long size = witness.size(ORIGIN);
    assertThat(responses).filteredOn(r -> r.status() == Status.CONFLICT)
        .hasSize(7)
        .allSatisfy(r -> assertThat(WitnessResponse.parseConflictSize(r.body())).isEqualTo(size));
    assertThat(reopen().size(ORIGIN)).isEqualTo(size).isGreaterThan(10);
  }

  @Test
  void logPrefix_trustsEveryChainOfADeployment() {
    witness.close();
    witness = Witness.builder(cosigner, dir)
        .logPrefix("audit.example.com/chains/", log.key.verifier())
        .clock(clock).build();

    assertCosigned(submit(log.request(0, 4)), 4, log);
    assertThat(submit(new AddCheckpointRequest(0, List.of(), log.key.signNote(
        new Checkpoint("audit.example.com/chains/", 1, log.root(1)).body())).format()).status())
        .isEqualTo(Status.UNKNOWN_LOG);
  }

  @Test
  void open_secondWitnessOnTheSameDirectory_isRefused() {
    assertThatThrownBy(() -> open(dir))
        .isInstanceOf(WitnessStateException.class)
        .hasMessageContaining("in use by another witness");
  }

  @Test
  void open_corruptOrMisplacedStateFile_refusesToStartRatherThanForget() throws IOException {
    submit(log.request(0, 8));
    witness.close();
    witness = null;
    Path state = dir.resolve(Witness.originHash(ORIGIN));
    Files.writeString(state, "garbage\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> open(dir)).isInstanceOf(WitnessStateException.class)
        .hasMessageContaining("never forgets");

    Files.delete(state);
    Files.writeString(dir.resolve("0".repeat(64)), log.signed(3).format());
    assertThatThrownBy(() -> open(dir)).isInstanceOf(WitnessStateException.class)
        .hasMessageContaining("another origin");
  }

  @Test
  void builder_badConfiguration_isRejectedAtOnce() {
    Witness.Builder b = Witness.builder(cosigner, dir.resolve("other"));
    assertThatIllegalArgumentException().isThrownBy(() -> b.log(ORIGIN));
    assertThatIllegalArgumentException().isThrownBy(
        () -> b.log(ORIGIN, CosignatureTest.witnessKey().verifier()))
        .withMessageContaining("own key");
    assertThatIllegalArgumentException().isThrownBy(() -> b.log(" bad", log.key.verifier()));
    assertThatIllegalArgumentException().isThrownBy(
        () -> b.logPrefix("audit.example.com/chains", log.key.verifier()));
    b.log(ORIGIN, log.key.verifier());
    assertThatIllegalArgumentException().isThrownBy(() -> b.log(ORIGIN, log.key.verifier()));
    assertThatThrownBy(() -> Witness.builder(cosigner, dir.resolve("x")).build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void parseCosignatures_responseWithoutATrustedCosignature_isRefused() {
    WitnessResponse r = submit(log.request(0, 8));
    CosignatureVerifier other = CosignatureVerifier.of("witness.example/w2",
        Ed25519NoteSigner.fromSeed("w2", new byte[32]).verifier().rawPublicKey());

    assertThatThrownBy(() -> WitnessResponse.parseCosignatures(r.body(),
        log.checkpoint(8).body(), List.of(other)))
        .isInstanceOf(InvalidSignatureException.class);
    assertThatThrownBy(() -> WitnessResponse.parseCosignatures(r.body(),
        log.checkpoint(9).body(), List.of(witness.verifier())))
        .isInstanceOf(InvalidSignatureException.class);
  }
}
