package io.hyrelog.testkit;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Actor;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.DataSubject;
import io.hyrelog.Digest;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.Metadata;
import io.hyrelog.NewEvent;
import io.hyrelog.PendingEvent;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.EventHashing;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.spi.AppendOutcome;
import io.hyrelog.spi.ErasableEvent;
import io.hyrelog.spi.ErasureRequest;
import io.hyrelog.spi.EventCursor;
import io.hyrelog.spi.EventPage;
import io.hyrelog.spi.EventQuery;
import io.hyrelog.spi.EventStore;
import io.hyrelog.IdSource;
import io.hyrelog.spi.IdempotencyConflictException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link EventStore}: every adapter's test extends this class and supplies a
 * fresh, empty store. The tests use a virtual clock and seeded ids, so they are deterministic
 * apart from thread interleavings, whose outcome they check rather than assume.
 */
public abstract class EventStoreContract {
  protected static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

  protected EventStore store;
  protected MutableClock clock;
  protected EventLog log;
  protected WorkspaceRef ws;
  protected WorkspaceRef otherWsSameCompany;
  protected WorkspaceRef otherCompany;

  /** A fresh store with no events; called before each test. */
  protected abstract EventStore createStore() throws Exception;

  /** Releases the store; called after each test. */
  protected void closeStore(EventStore s) throws Exception {}

  @BeforeEach
  void setUpContract() throws Exception {
    store = createStore();
    clock = new MutableClock(T0);
    log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 42)).build();
    ws = SampleEvents.workspace(1, DataRegion.EU);
    otherWsSameCompany = new WorkspaceRef(ws.companyId(), UUID.nameUUIDFromBytes(new byte[] {2}),
        DataRegion.EU);
    otherCompany = SampleEvents.workspace(3, DataRegion.EU);
  }

  @AfterEach
  void tearDownContract() throws Exception {
    if (store != null) {
      closeStore(store);
    }
  }

  protected static NewEvent event(String action) {
    return NewEvent.builder("user", action).build();
  }

  protected List<AuditEvent> readAll(WorkspaceRef w) {
    try (Stream<AuditEvent> s = store.read(EventScope.of(w), 1, Long.MAX_VALUE)) {
      return s.collect(Collectors.toList());
    }
  }

  /** The first event of a chain has seq 1 and the all-zero prevHash. */
  @Test
  public void append_firstEvent_startsAtSeqOneAfterZeroHash() {
    AuditEvent e = log.append(ws, event("login")).event();
    assertThat(e.seq()).isEqualTo(1);
    assertThat(e.prevHash()).isEqualTo(Digest.ZERO);
    assertThat(e.hash()).isEqualTo(EventHashing.hash(e));
    assertThat(store.head(EventScope.of(ws))).contains(
        new io.hyrelog.ChainHead(ws.workspaceId(), 1, e.hash()));
  }

  /** A batch gets contiguous, linked seqs in batch order. */
  @Test
  public void append_batch_assignsContiguousLinkedSeqsInOrder() {
    List<NewEvent> batch = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      batch.add(event("a" + i));
    }
    log.append(ws, event("first"));
    List<AppendOutcome> out = log.appendBatch(ws, batch);
    assertThat(out).hasSize(25).allMatch(AppendOutcome::created);
    for (int i = 0; i < 25; i++) {
      assertThat(out.get(i).event().seq()).isEqualTo(i + 2);
      assertThat(out.get(i).event().action()).isEqualTo("a" + i);
    }
    List<AuditEvent> all = readAll(ws);
    assertThat(all).hasSize(26);
    for (int i = 1; i < all.size(); i++) {
      assertThat(all.get(i).prevHash()).isEqualTo(all.get(i - 1).hash());
    }
    assertThat(log.verify(EventScope.of(ws), Optional.empty()).ok()).isTrue();
  }

  /** A stored event reads back exactly as its append acknowledged it. */
  @Test
  public void append_storedEvent_readsBackExactlyAsAcknowledged() {
    SampleEvents samples = new SampleEvents(7);
    List<AuditEvent> acked = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      acked.add(log.append(ws, samples.next(T0.minusSeconds(i))).event());
    }
    assertThat(readAll(ws)).containsExactlyElementsOf(acked);
    for (AuditEvent e : acked) {
      assertThat(store.find(EventScope.of(ws), e.id())).contains(e);
      assertThat(e.personal()).containsKeys("/actor/email", "/actor/name", "/context/ip",
          "/context/userAgent");
    }
  }

  /** The chains of different workspaces are independent. */
  @Test
  public void append_chainsOfDifferentWorkspaces_areIndependent() {
    log.append(ws, event("a"));
    log.append(ws, event("b"));
    AuditEvent other = log.append(otherWsSameCompany, event("c")).event();
    assertThat(other.seq()).isEqualTo(1);
    assertThat(other.prevHash()).isEqualTo(Digest.ZERO);
    assertThat(store.head(EventScope.of(ws)).orElseThrow().seq()).isEqualTo(2);
  }

  /** An idempotent replay returns the original event and takes no seq. */
  @Test
  public void append_idempotentReplay_returnsOriginalAndTakesNoSeq() {
    AuditEvent first = log.append(ws, event("login").withIdempotencyKey("k-1")).event();
    clock.advance(Duration.ofSeconds(5));
    AppendOutcome again = log.append(ws, event("login").withIdempotencyKey("k-1"));
    assertThat(again.created()).isFalse();
    assertThat(again.event()).isEqualTo(first);
    assertThat(store.head(EventScope.of(ws)).orElseThrow().seq()).isEqualTo(1);
  }

  /** A reused key with a different body conflicts, and nothing of the batch is stored. */
  @Test
  public void append_sameKeyDifferentBody_conflictsAndStoresNothingOfTheBatch() {
    AuditEvent first = log.append(ws, event("login").withIdempotencyKey("k-1")).event();
    List<NewEvent> batch = List.of(event("fresh"), event("logout").withIdempotencyKey("k-1"));
    assertThatThrownBy(() -> log.appendBatch(ws, batch))
        .isInstanceOf(IdempotencyConflictException.class)
        .satisfies(e -> assertThat(((IdempotencyConflictException) e).originalEventId())
            .isEqualTo(first.id()));
    assertThat(readAll(ws)).containsExactly(first);
  }

  /** The same key twice in one batch stores the event once. */
  @Test
  public void append_sameKeyTwiceInOneBatch_storesOnce() {
    List<AppendOutcome> out = log.appendBatch(ws, List.of(
        event("a").withIdempotencyKey("dup"), event("b"), event("a").withIdempotencyKey("dup")));
    assertThat(out.get(0).created()).isTrue();
    assertThat(out.get(2).created()).isFalse();
    assertThat(out.get(2).event()).isEqualTo(out.get(0).event());
    assertThat(readAll(ws)).hasSize(2);
  }

  /** The same key in another workspace is independent. */
  @Test
  public void append_sameKeyInAnotherWorkspace_isIndependent() {
    log.append(ws, event("a").withIdempotencyKey("k"));
    AppendOutcome other = log.append(otherWsSameCompany, event("b").withIdempotencyKey("k"));
    assertThat(other.created()).isTrue();
  }

  /** An event prepared for another workspace is rejected. */
  @Test
  public void append_eventPreparedForAnotherWorkspace_isRejected() {
    PendingEvent p = PendingEvent.prepare(otherWsSameCompany, event("x"), T0,
        IdSource.seeded(clock, 1), PersonalDataPolicy.defaults());
    assertThatThrownBy(() -> store.append(ws, List.of(p)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(readAll(ws)).isEmpty();
  }

  /**
   * Concurrent writers to one chain never fork it or leave a gap.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void append_concurrentWriters_neverForkOrGap() throws Exception {
    int threads = 8;
    int perThread = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<AppendOutcome>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          List<AppendOutcome> acked = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            if (i % 10 == 0) {
              acked.addAll(log.appendBatch(ws, List.of(event("t" + thread + "b" + i),
                  event("t" + thread + "c" + i))));
            } else {
              acked.add(log.append(ws, event("t" + thread + "e" + i)));
            }
          }
          return acked;
        }));
      }
      Set<UUID> ackedIds = new HashSet<>();
      for (Future<List<AppendOutcome>> f : futures) {
        f.get().forEach(o -> ackedIds.add(o.event().id()));
      }
      List<AuditEvent> all = readAll(ws);
      assertThat(all).hasSize(ackedIds.size());
      assertThat(all.stream().map(AuditEvent::id).collect(Collectors.toSet()))
          .isEqualTo(ackedIds);
      for (int i = 0; i < all.size(); i++) {
        assertThat(all.get(i).seq()).isEqualTo(i + 1);
      }
      assertThat(log.verify(EventScope.of(ws), Optional.empty()).ok()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Racing appends with one idempotency key create one event.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void append_racingDuplicates_createOneEvent() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<AppendOutcome>> calls = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        calls.add(() -> log.append(ws, event("pay").withIdempotencyKey("race")));
      }
      List<AppendOutcome> outcomes = new ArrayList<>();
      for (Future<AppendOutcome> f : pool.invokeAll(calls)) {
        outcomes.add(f.get());
      }
      assertThat(outcomes.stream().filter(AppendOutcome::created)).hasSize(1);
      assertThat(outcomes.stream().map(o -> o.event().id()).distinct()).hasSize(1);
      assertThat(readAll(ws)).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  /** A read returns the inclusive seq range in seq order. */
  @Test
  public void read_range_returnsInclusiveRangeInSeqOrder() {
    for (int i = 0; i < 10; i++) {
      log.append(ws, event("e" + i));
    }
    try (Stream<AuditEvent> s = store.read(EventScope.of(ws), 3, 6)) {
      assertThat(s.map(AuditEvent::seq)).containsExactly(3L, 4L, 5L, 6L);
    }
    try (Stream<AuditEvent> s = store.read(EventScope.of(ws), 9, 100)) {
      assertThat(s.map(AuditEvent::seq)).containsExactly(9L, 10L);
    }
    try (Stream<AuditEvent> s = store.read(EventScope.of(ws), 11, 20)) {
      assertThat(s).isEmpty();
    }
  }

  /** A read with an invalid range or a company-wide scope is rejected. */
  @Test
  public void read_invalidRangeOrCompanyScope_isRejected() {
    assertThatThrownBy(() -> store.read(EventScope.of(ws), 0, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.read(EventScope.of(ws), 5, 4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.read(EventScope.company(ws.companyId()), 1, 4))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Reads of another tenant's chain and event ids return nothing. */
  @Test
  public void reads_anotherTenantsChainAndIds_returnNothing() {
    AuditEvent mine = log.append(ws, NewEvent.builder("user", "secret")
        .actor(new Actor("u1", "ada@example.com", null, null)).build()).event();
    EventScope foreign = EventScope.workspace(otherCompany.companyId(), ws.workspaceId());
    try (Stream<AuditEvent> s = store.read(foreign, 1, 10)) {
      assertThat(s).isEmpty();
    }
    assertThat(store.head(foreign)).isEmpty();
    assertThat(store.find(foreign, mine.id())).isEmpty();
    assertThat(store.find(EventScope.company(otherCompany.companyId()), mine.id())).isEmpty();
    assertThat(store.find(EventScope.of(otherWsSameCompany), mine.id())).isEmpty();
    assertThat(store.query(EventQuery.builder(EventScope.company(otherCompany.companyId()))
        .build()).events()).isEmpty();
    assertThat(store.erase(new ErasureRequest(EventScope.company(otherCompany.companyId()),
        "u1", "ada@example.com"))).isZero();
    assertThat(store.erase(new ErasureRequest(EventScope.of(otherWsSameCompany), "u1", null)))
        .isZero();
    assertThat(readAll(ws)).containsExactly(mine);
  }

  /** An unknown chain has no head. */
  @Test
  public void head_unknownChain_isEmpty() {
    assertThat(store.head(EventScope.of(ws))).isEmpty();
  }

  /** Query filters combine with AND. */
  @Test
  public void query_filters_combineWithAnd() {
    UUID project = UUID.nameUUIDFromBytes(new byte[] {9});
    log.append(ws, NewEvent.builder("user", "login").actor(Actor.ofId("u1"))
        .timestamp(T0.minusSeconds(30)).build());
    log.append(ws, NewEvent.builder("user", "logout").actor(Actor.ofId("u1"))
        .timestamp(T0.minusSeconds(20)).projectId(project).build());
    log.append(ws, NewEvent.builder("billing", "login").actor(Actor.ofId("u2"))
        .timestamp(T0.minusSeconds(10)).projectId(project).build());
    log.append(otherWsSameCompany, NewEvent.builder("user", "login").actor(Actor.ofId("u1"))
        .timestamp(T0.minusSeconds(5)).build());
    EventScope company = EventScope.company(ws.companyId());

    assertThat(actions(EventQuery.builder(company).category("user").build()))
        .containsExactly("login", "logout", "login");
    assertThat(actions(EventQuery.builder(company).action("login").actorId("u1").build()))
        .hasSize(2);
    assertThat(actions(EventQuery.builder(company).projectId(project).build()))
        .containsExactly("login", "logout");
    assertThat(actions(EventQuery.builder(company).workspaceId(ws.workspaceId())
        .from(T0.minusSeconds(20)).to(T0.minusSeconds(10)).build()))
        .containsExactly("logout");
    assertThat(actions(EventQuery.builder(EventScope.of(ws)).actorId("u1").build()))
        .containsExactly("logout", "login");
  }

  private List<String> actions(EventQuery q) {
    return store.query(q).events().stream().map(AuditEvent::action).collect(Collectors.toList());
  }

  /** Paging through many events that share a timestamp never skips or repeats one. */
  @Test
  public void query_pagingManyEventsSharingATimestamp_neverSkipsOrRepeats() {
    Instant same = T0.minusSeconds(60);
    Set<UUID> appended = new HashSet<>();
    for (int b = 0; b < 5; b++) {
      List<NewEvent> batch = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        batch.add(NewEvent.builder("user", "e" + b + "_" + i).timestamp(same).build());
      }
      log.appendBatch(ws, batch).forEach(o -> appended.add(o.event().id()));
    }
    List<UUID> seen = new ArrayList<>();
    EventQuery q = EventQuery.builder(EventScope.of(ws)).limit(7).build();
    EventCursor cursor = null;
    int pages = 0;
    do {
      EventPage page = store.query(q.withCursor(cursor));
      page.events().forEach(e -> seen.add(e.id()));
      cursor = page.nextCursor();
      if (cursor != null) {
        cursor = EventCursor.decode(cursor.encode());
      }
      pages++;
    } while (cursor != null && pages < 100);
    assertThat(seen).doesNotHaveDuplicates();
    assertThat(new HashSet<>(seen)).isEqualTo(appended);
    List<UUID> sorted = new ArrayList<>(seen);
    sorted.sort((a, b) -> EventCursor.compareIds(b, a));
    assertThat(seen).isEqualTo(sorted);
  }

  /** A workspace scope sees only its workspace; a company scope sees them all. */
  @Test
  public void query_workspaceScope_seesOnlyItsWorkspace_companyScopeSeesAll() {
    log.append(ws, event("mine"));
    log.append(otherWsSameCompany, event("sibling"));
    log.append(otherCompany, event("foreign"));
    assertThat(actions(EventQuery.builder(EventScope.of(ws)).build())).containsExactly("mine");
    assertThat(actions(EventQuery.builder(EventScope.company(ws.companyId())).build()))
        .containsExactlyInAnyOrder("mine", "sibling");
    assertThat(actions(EventQuery.builder(EventScope.of(ws))
        .workspaceId(otherWsSameCompany.workspaceId()).build())).isEmpty();
  }

  /** Erasing an actor removes the personal values and the chain still verifies. */
  @Test
  public void erase_actor_removesPersonalValuesAndKeepsChainVerifying() {
    log.append(ws, NewEvent.builder("user", "login")
        .actor(new Actor("u1", "ada@example.com", "admin", "Ada")).build());
    log.append(ws, NewEvent.builder("user", "login")
        .actor(new Actor("u2", "bob@example.com", "admin", "Bob")).build());
    long n = store.erase(new ErasureRequest(EventScope.company(ws.companyId()), "u1", null));
    assertThat(n).isEqualTo(1);
    List<AuditEvent> all = readAll(ws);
    AuditEvent erased = all.get(0);
    assertThat(erased.actor().email()).isNull();
    assertThat(erased.actor().name()).isNull();
    assertThat(erased.actor().id()).isEqualTo("u1");
    assertThat(erased.personal().get("/actor/email").erased()).isTrue();
    assertThat(all.get(1).actor().email()).isEqualTo("bob@example.com");
    VerificationReport report = log.verify(EventScope.of(ws), Optional.empty());
    assertThat(report.ok()).as("%s", report.failure()).isTrue();
    assertThat(store.query(EventQuery.builder(EventScope.of(ws)).actorEmail("ada@example.com")
        .build()).events()).isEmpty();
  }

  /**
   * A METADATA subject selects only events that declare the key personal; erasable lists the
   * selected events with their unerased fields, erase clears them all, and a second erase finds
   * nothing.
   */
  @Test
  public void erase_metadataSubject_erasesEventsDeclaringTheKeyPersonal() {
    EventLog personal = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 7))
        .personalData(PersonalDataPolicy.defaults().withMetadataKeys("patient")).build();
    AuditEvent declared = personal.append(ws, NewEvent.builder("chart", "open")
        .actor(new Actor("u1", "ada@example.com", null, null))
        .metadata(Metadata.parse("{\"patient\":\"P-17\",\"ward\":3}")).build()).event();
    log.append(ws, NewEvent.builder("chart", "open")
        .metadata(Metadata.parse("{\"patient\":\"P-17\"}")).build());
    AuditEvent otherPatient = personal.append(otherWsSameCompany, NewEvent.builder("chart",
        "open").metadata(Metadata.parse("{\"patient\":\"P-18\"}")).build()).event();
    ErasureRequest request = ErasureRequest.of(EventScope.company(ws.companyId()),
        DataSubject.metadata("patient", "P-17"));

    assertThat(store.erasable(request)).containsExactly(new ErasableEvent(ws.workspaceId(),
        declared.seq(), declared.id(), List.of("/actor/email", "/metadata/patient")));
    assertThat(store.erase(request)).isEqualTo(1);
    assertThat(store.erasable(request)).isEmpty();
    assertThat(store.erase(request)).isZero();

    List<AuditEvent> all = readAll(ws);
    assertThat(all.get(0).metadata().has("patient")).isFalse();
    assertThat(all.get(0).metadata().get("ward").intValue()).isEqualTo(3);
    assertThat(all.get(0).actor().email()).isNull();
    assertThat(all.get(1).metadata().get("patient").textValue()).isEqualTo("P-17");
    assertThat(readAll(otherWsSameCompany).get(0).metadata().get("patient").textValue())
        .isEqualTo("P-18");
    assertThat(otherPatient.personal()).containsKey("/metadata/patient");
    assertThat(log.verify(EventScope.of(ws), Optional.empty()).ok()).isTrue();
  }

  /** The old actor constructor and a subject of the same actor select the same events. */
  @Test
  public void erasable_actorSubjects_matchTheActorConstructor() {
    log.append(ws, NewEvent.builder("user", "login")
        .actor(new Actor("u1", "ada@example.com", "admin", "Ada")).build());
    log.append(otherCompany, NewEvent.builder("user", "login")
        .actor(new Actor("u1", "ada@example.com", "admin", "Ada")).build());
    EventScope company = EventScope.company(ws.companyId());
    List<ErasableEvent> byEmail = store.erasable(ErasureRequest.of(company,
        DataSubject.actorEmail("ada@example.com")));
    assertThat(byEmail).hasSize(1);
    assertThat(byEmail.get(0).paths()).containsExactly("/actor/email", "/actor/name");
    assertThat(store.erasable(new ErasureRequest(company, "u1", null))).isEqualTo(byEmail);
    assertThat(store.erasable(ErasureRequest.of(company, DataSubject.actorEmail("ADA@example.com"))))
        .isEmpty();
  }
}
