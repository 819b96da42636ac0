package io.hyrelog.personal.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Actor;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import io.hyrelog.IdSource;
import io.hyrelog.Metadata;
import io.hyrelog.NewEvent;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.Salt;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.log.EventLog;
import io.hyrelog.personal.GdprRequest;
import io.hyrelog.personal.GdprRequestStatus;
import io.hyrelog.personal.GdprRequestType;
import io.hyrelog.personal.SubjectAccess;
import io.hyrelog.personal.Requester;
import io.hyrelog.spi.ErasableEvent;
import io.hyrelog.spi.SubjectKeys;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.InMemoryGdprRequests;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SeededRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code gdpr.erase} job's body on the in-memory stores: a whole erasure with its proof, a
 * crash at every step followed by a rerun, access requests, and failures.
 */
class GdprWorkerTest {
  private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
  private static final UUID COMPANY = UUID.fromString("0190dddd-0000-7000-8000-000000000001");
  private static final UUID OTHER = UUID.fromString("0190dddd-0000-7000-8000-000000000002");
  private static final WorkspaceRef WS1 = new WorkspaceRef(COMPANY,
      UUID.fromString("0190dddd-0000-7000-8000-0000000000a1"), DataRegion.EU);
  private static final WorkspaceRef WS2 = new WorkspaceRef(COMPANY,
      UUID.fromString("0190dddd-0000-7000-8000-0000000000a2"), DataRegion.EU);
  private static final WorkspaceRef WS_OTHER = new WorkspaceRef(OTHER,
      UUID.fromString("0190dddd-0000-7000-8000-0000000000b1"), DataRegion.EU);
  private static final String EMAIL = "ada.lovelace@example.test";
  private static final DataSubject SUBJECT = DataSubject.actorEmail(EMAIL);

  private final MutableClock clock = new MutableClock(T0);
  private final Ed25519NoteSigner signer = Ed25519NoteSigner.generate("hyrelog-test",
      SeededRandom.secure(5));
  private final java.security.SecureRandom random = SeededRandom.secure(9);
  private InMemoryEventStore store;
  private EventLog log;
  private InMemoryGdprRequests requests;
  private RecordingSubjectKeys keys;

  /**
   * Stands in for gdarch's subject-key store (io.hyrelog.spi.SubjectKeys), which does not exist
   * on this branch: records each destroy call and reports one key the first time.
   */
  static final class RecordingSubjectKeys implements SubjectKeys {
    final List<String> calls = new ArrayList<>();
    boolean fail;

    @Override
    public synchronized long destroy(EventScope scope, DataSubject subject) {
      if (fail) {
        throw new io.hyrelog.HyrelogException("subject keys unavailable (test)");
      }
      calls.add(scope + " " + subject.kind());
      return calls.size() == 1 ? 1 : 0;
    }
  }

  @BeforeEach
  void setUp() {
    store = new InMemoryEventStore();
    log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 3))
        .personalData(PersonalDataPolicy.defaults().withMetadataKeys("patient")).build();
    requests = new InMemoryGdprRequests();
    keys = new RecordingSubjectKeys();
  }

  private GdprWorker.Builder worker() {
    return GdprWorker.builder(requests, log, DataRegion.EU).subjectKeys(keys).clock(clock)
        .proofs(new GdprWorker.Proofs() {
          @Override
          public String signedCheckpoint(EventScope chain, long size) {
            ChainCheckpoint cp = log.checkpoint("hyrelog-test", chain, size);
            return signer.signNote(cp.toCheckpoint().body()).format();
          }

          @Override
          public List<ObjectNode> earlierArtefacts(UUID companyId, Instant before) {
            return List.of(JsonNodeFactory.instance.objectNode().put("kind", "evidence_bundle")
                .put("id", "b-1").put("created_at", T0.toString()));
          }
        });
  }

  private AuditEvent event(WorkspaceRef ws, String email) {
    return log.append(ws, NewEvent.builder("user", "login")
        .actor(new Actor("u-" + email.hashCode(), email, null, "Name of " + email)).build())
        .event();
  }

  private GdprRequest approvedErasure(EventScope scope, DataSubject subject) {
    byte[] salt = new byte[Salt.LENGTH];
    random.nextBytes(salt);
    GdprRequest r = GdprRequest.file(UUID.randomUUID(), scope, GdprRequestType.ERASURE,
        subject, "ticket 42", Requester.user("ana"), Salt.of(salt), clock.instant());
    requests.insert(r);
    return requests.update(r, r.approve(Requester.user("ben"), clock.instant()));
  }

  private List<AuditEvent> all(WorkspaceRef ws) {
    long head = store.head(EventScope.of(ws)).map(h -> h.seq()).orElse(0L);
    return head == 0 ? List.of() : store.read(EventScope.of(ws), 1, head).toList();
  }

  private List<AuditEvent> proofEvents(WorkspaceRef ws) {
    return all(ws).stream().filter(e -> e.category().equals(GdprWorker.CATEGORY)).toList();
  }

  private void seedEvents() {
    event(WS1, EMAIL);
    event(WS1, "bob@example.test");
    event(WS1, EMAIL);
    event(WS1, EMAIL);
    event(WS2, EMAIL);
    event(WS_OTHER, EMAIL);
  }

  @Test
  void run_approvedErasure_erasesRecordsProofAndKeepsOnlyTheHash() {
    seedEvents();
    GdprRequest r = approvedErasure(EventScope.company(COMPANY), SUBJECT);
    clock.advance(Duration.ofMinutes(5));

    GdprWorker.Summary s = worker().build().run();

    assertThat(s).isEqualTo(new GdprWorker.Summary(1, 1, 0, 0, 0));
    GdprRequest done = requests.find(r.id()).orElseThrow();
    assertThat(done.status()).isEqualTo(GdprRequestStatus.COMPLETED);
    assertThat(done.subject()).isEmpty();
    assertThat(done.subjectHash().matches(SUBJECT)).isTrue();
    assertThat(done.toString() + done.result().orElseThrow()).doesNotContain(EMAIL);
    ObjectNode result = done.result().orElseThrow();
    assertThat(result.get("events_erased").asLong()).isEqualTo(4);
    assertThat(result.get("fields_erased").asLong()).isEqualTo(8);
    assertThat(result.get("keys_destroyed").asLong()).isEqualTo(1);
    assertThat(result.get("earlier_artefacts").get(0).get("id").asText()).isEqualTo("b-1");
    assertThat(keys.calls).containsExactly(EventScope.company(COMPANY) + " ACTOR_EMAIL");

    // Hot values gone in both chains, the other company and the other person untouched.
    assertThat(all(WS1).stream().map(e -> e.actor().email()).filter(x -> x != null))
        .containsExactly("bob@example.test");
    assertThat(all(WS2).get(0).actor().email()).isNull();
    assertThat(all(WS_OTHER).get(0).actor().email()).isEqualTo(EMAIL);

    // One proof event per affected chain, naming seqs and paths, no value; chains verify.
    for (WorkspaceRef ws : List.of(WS1, WS2)) {
      List<AuditEvent> proofs = proofEvents(ws);
      assertThat(proofs).hasSize(1);
      AuditEvent p = proofs.get(0);
      assertThat(p.action()).isEqualTo(GdprWorker.ACTION);
      assertThat(p.metadata().get("request_id").asText()).isEqualTo(r.id().toString());
      assertThat(p.metadata().canonicalJson()).doesNotContain(EMAIL);
      assertThat(log.verify(EventScope.of(ws), Optional.empty()).ok()).isTrue();
    }
    JsonNode erased = proofEvents(WS1).get(0).metadata().get("erased");
    assertThat(erased.toString()).isEqualTo("[{\"from\":1,\"paths\":[\"/actor/email\","
        + "\"/actor/name\"],\"to\":1},{\"from\":3,\"paths\":[\"/actor/email\",\"/actor/name\"],"
        + "\"to\":4}]");
    assertThat(proofEvents(WS_OTHER)).isEmpty();

    // The checkpoint covers the proof event and verifies with the signer's key only.
    JsonNode chain1 = result.get("chains").get(0);
    ChainCheckpoint cp = ChainCheckpoint.verifyNote(chain1.get("checkpoint").asText(),
        List.of(signer.verifier()));
    assertThat(cp.size()).isEqualTo(chain1.get("event_seq").asLong()).isEqualTo(5);
  }

  @Test
  void run_metadataSubjectInOneWorkspace_erasesOnlyThere() {
    log.append(WS1, NewEvent.builder("chart", "open")
        .metadata(Metadata.parse("{\"patient\":\"P-1\",\"ward\":2}")).build());
    log.append(WS2, NewEvent.builder("chart", "open")
        .metadata(Metadata.parse("{\"patient\":\"P-1\"}")).build());
    approvedErasure(EventScope.of(WS1), DataSubject.metadata("patient", "P-1"));

    worker().build().run();

    assertThat(all(WS1).get(0).metadata().has("patient")).isFalse();
    assertThat(all(WS1).get(0).metadata().get("ward").asInt()).isEqualTo(2);
    assertThat(all(WS2).get(0).metadata().get("patient").asText()).isEqualTo("P-1");
    assertThat(proofEvents(WS2)).isEmpty();
    assertThat(proofEvents(WS1)).hasSize(1);
  }

  /** A worker killed at a step (an Error, as a dying process leaves nothing recorded). */
  static final class Killed extends Error {
    private static final long serialVersionUID = 1L;

    Killed(String step) {
      super("killed at " + step);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"planned", "erased", "sealed", "keys", "recorded", "proved"})
  void run_killedAtAStepThenRerun_completesWithOneProofEventPerChain(String step) {
    seedEvents();
    GdprRequest r = approvedErasure(EventScope.company(COMPANY), SUBJECT);
    AtomicBoolean armed = new AtomicBoolean(true);
    GdprWorker dying = worker().pause(s -> {
      if (s.equals(step) && armed.getAndSet(false)) {
        throw new Killed(s);
      }
    }).build();
    assertThatThrownBy(dying::run).isInstanceOf(Killed.class);
    assertThat(requests.find(r.id()).orElseThrow().status())
        .isEqualTo(GdprRequestStatus.RUNNING);
    // Meanwhile the subject acts again: a later event joins the erasure unless it is sealed.
    event(WS2, EMAIL);

    GdprWorker.Summary s = worker().build().run();

    assertThat(s.completed()).isEqualTo(1);
    GdprRequest done = requests.find(r.id()).orElseThrow();
    assertThat(done.status()).isEqualTo(GdprRequestStatus.COMPLETED);
    assertThat(proofEvents(WS1)).hasSize(1);
    assertThat(proofEvents(WS2)).hasSize(1);
    long planned = done.result().orElseThrow().get("events_erased").asLong();
    boolean sealedBeforeKill = List.of("sealed", "keys", "recorded", "proved").contains(step);
    assertThat(planned).isEqualTo(sealedBeforeKill ? 4 : 5);
    assertThat(proofEvents(WS1).get(0).metadata().get("events_erased").asLong()).isEqualTo(3);
    for (WorkspaceRef ws : List.of(WS1, WS2)) {
      assertThat(log.verify(EventScope.of(ws), Optional.empty()).ok()).isTrue();
    }
  }

  @Test
  void run_accessRequest_waitsForRestoresThenCompletes() {
    List<SubjectAccess.Outcome> outcomes = new ArrayList<>(List.of(
        new SubjectAccess.Waiting(List.of(UUID.fromString("0190dddd-0000-7000-8000-0000000000f1"))),
        new SubjectAccess.Done(3, List.of("events.jsonl", "summary.csv"))));
    // Stands in for gdaccess's SubjectAccess, which does not exist on this branch.
    SubjectAccess access = new SubjectAccess() {
      @Override
      public Outcome fulfil(UUID requestId, EventScope scope, DataSubject subject) {
        return outcomes.remove(0);
      }

      @Override
      public Optional<java.io.InputStream> open(EventScope scope, UUID requestId, String file) {
        return Optional.empty();
      }
    };
    byte[] salt = new byte[Salt.LENGTH];
    random.nextBytes(salt);
    GdprRequest r = GdprRequest.file(UUID.randomUUID(), EventScope.company(COMPANY),
        GdprRequestType.ACCESS, SUBJECT, "ticket 7", Requester.key("k1"), Salt.of(salt), T0);
    requests.insert(r);
    GdprWorker w = worker().access(access).build();

    assertThat(w.run()).isEqualTo(new GdprWorker.Summary(1, 0, 1, 0, 0));
    assertThat(requests.find(r.id()).orElseThrow().result().orElseThrow()
        .get("waiting_for_restores").get(0).asText()).endsWith("f1");
    assertThat(w.run()).isEqualTo(new GdprWorker.Summary(0, 1, 0, 0, 0));
    GdprRequest done = requests.find(r.id()).orElseThrow();
    assertThat(done.status()).isEqualTo(GdprRequestStatus.COMPLETED);
    assertThat(done.result().orElseThrow().get("files").toString())
        .isEqualTo("[\"events.jsonl\",\"summary.csv\"]");
    assertThat(done.subject()).isEmpty();
  }

  @Test
  void run_failingEveryAttempt_failsAfterMaxAttemptsWithoutTheValue() {
    event(WS1, EMAIL);
    GdprRequest r = approvedErasure(EventScope.company(COMPANY), SUBJECT);
    keys.fail = true;
    GdprWorker w = worker().build();
    for (int i = 1; i < GdprWorker.MAX_ATTEMPTS; i++) {
      assertThat(w.run().retried()).isEqualTo(1);
    }
    assertThat(w.run().failed()).isEqualTo(1);
    GdprRequest failed = requests.find(r.id()).orElseThrow();
    assertThat(failed.status()).isEqualTo(GdprRequestStatus.FAILED);
    assertThat(failed.failure().orElseThrow()).contains("subject keys unavailable")
        .doesNotContain(EMAIL);
    assertThat(failed.subject()).isEmpty();
  }

  @Test
  void run_pendingRequest_untouched() {
    event(WS1, EMAIL);
    GdprRequest r = GdprRequest.file(UUID.randomUUID(), EventScope.company(COMPANY),
        GdprRequestType.ERASURE, SUBJECT, "t", Requester.user("ana"), Salt.of(new byte[16]), T0);
    requests.insert(r);
    assertThat(worker().build().run()).isEqualTo(new GdprWorker.Summary(0, 0, 0, 0, 0));
    assertThat(all(WS1).get(0).actor().email()).isEqualTo(EMAIL);
  }

  @Test
  void ranges_consecutiveSeqsWithSamePaths_merged() {
    UUID ws = WS1.workspaceId();
    List<ErasableEvent> events = List.of(
        new ErasableEvent(ws, 1, UUID.randomUUID(), List.of("/a")),
        new ErasableEvent(ws, 2, UUID.randomUUID(), List.of("/a")),
        new ErasableEvent(ws, 3, UUID.randomUUID(), List.of("/b")),
        new ErasableEvent(ws, 5, UUID.randomUUID(), List.of("/b")));
    assertThat(GdprWorker.ranges(events).toString()).isEqualTo("[{\"from\":1,\"to\":2,"
        + "\"paths\":[\"/a\"]},{\"from\":3,\"to\":3,\"paths\":[\"/b\"]},{\"from\":5,\"to\":5,"
        + "\"paths\":[\"/b\"]}]");
  }

  @SuppressWarnings("unused")
  private static String ids(List<AuditEvent> events) {
    return events.stream().map(e -> e.seq() + "").collect(Collectors.joining(","));
  }
}
