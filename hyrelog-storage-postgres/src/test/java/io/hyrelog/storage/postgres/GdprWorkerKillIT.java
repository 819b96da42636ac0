package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Actor;
import io.hyrelog.AuditEvent;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import io.hyrelog.IdSource;
import io.hyrelog.NewEvent;
import io.hyrelog.PlanOverrides;
import io.hyrelog.PlanTier;
import io.hyrelog.Salt;
import io.hyrelog.Workspace;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.log.EventLog;
import io.hyrelog.personal.GdprRequest;
import io.hyrelog.personal.GdprRequestStatus;
import io.hyrelog.personal.GdprRequestType;
import io.hyrelog.personal.Requester;
import io.hyrelog.personal.worker.GdprWorker;
import io.hyrelog.spi.GdprRequests;
import io.hyrelog.spi.SubjectKeys;
import io.hyrelog.testkit.MutableClock;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The erasure on PostgreSQL, killed after the first N of its 6 stored steps (claim, plan, seal,
 * traces, keys, completion; the proof events are appended between keys and completion): the
 * worker dies with an Error as the next step is about to be written, so nothing of it is stored.
 * A fresh worker then runs: the request completes with one {@code gdpr.erasure} event per
 * chain, the values are gone and the chains verify.
 */
class GdprWorkerKillIT {
  private static final Instant T0 = Instant.parse("2026-08-01T12:00:00Z");
  private static final String EMAIL = "kill.me@example.test";

  /** A worker that dies: an Error is not caught by the worker, like a killed process. */
  static final class Killed extends Error {
    private static final long serialVersionUID = 1L;

    Killed() {
      super("killed");
    }
  }

  /** The real store; after {@code allowed} updates the next one kills the worker instead. */
  record Dying(GdprRequests store, AtomicInteger allowed) implements GdprRequests {
    @Override
    public void insert(GdprRequest r) {
      store.insert(r);
    }

    @Override
    public GdprRequest update(GdprRequest from, GdprRequest to) {
      if (allowed.getAndDecrement() <= 0) {
        throw new Killed();
      }
      return store.update(from, to);
    }

    @Override
    public Optional<GdprRequest> find(UUID id) {
      return store.find(id);
    }

    @Override
    public List<GdprRequest> list(UUID companyId, Optional<GdprRequestStatus> status,
        Optional<Cursor> after, int limit) {
      return store.list(companyId, status, after, limit);
    }

    @Override
    public List<GdprRequest> inStatus(GdprRequestStatus status, int limit) {
      return store.inStatus(status, limit);
    }

    @Override
    public long countOverdue(Instant asOf) {
      return store.countOverdue(asOf);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5})
  void erase_killedAfterNStoredSteps_rerunCompletesOnce(int steps) {
    try (PostgresFixture.Database db = PostgresFixture.newDatabase();
        PostgresEventStore store = PostgresEventStore.builder(db.app()).build()) {
      MutableClock clock = new MutableClock(T0);
      UUID company = UUID.nameUUIDFromBytes(new byte[] {1});
      PostgresTenants tenants = PostgresTenants.create(db.app());
      tenants.createCompany(new Company(company, "Acme", DataRegion.EU, PlanTier.GROWTH,
          PlanOverrides.NONE));
      List<WorkspaceRef> chains = List.of(UUID.nameUUIDFromBytes(new byte[] {2}),
          UUID.nameUUIDFromBytes(new byte[] {3})).stream().map(w -> {
            tenants.createWorkspace(new Workspace(w, company, "W"));
            return new WorkspaceRef(company, w, DataRegion.EU);
          }).toList();
      EventLog log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 1))
          .build();
      for (WorkspaceRef ws : chains) {
        log.append(ws, NewEvent.builder("doc", "read").actor(new Actor("u1", EMAIL, null,
            "Kim")).build());
        log.append(ws, NewEvent.builder("doc", "read").actor(new Actor("u2", "x@y.test", null,
            null)).build());
      }
      PostgresGdprRequests requests = PostgresGdprRequests.create(db.app());
      GdprRequest r = GdprRequest.file(UUID.nameUUIDFromBytes(new byte[] {9}),
          EventScope.company(company), GdprRequestType.ERASURE, DataSubject.actorEmail(EMAIL),
          "ticket", Requester.key("k1"), Salt.of(new byte[16]), T0);
      requests.insert(r);
      requests.update(r, r.approve(Requester.user("ana"), T0));
      // Stands in for gdarch's subject-key store, not on this branch.
      SubjectKeys keys = (scope, subject) -> 0;
      GdprWorker.Proofs proofs = new GdprWorker.Proofs() {
        @Override
        public String signedCheckpoint(EventScope chain, long size) {
          return "checkpoint of " + chain.workspaceId() + " at " + size;
        }

        @Override
        public List<com.fasterxml.jackson.databind.node.ObjectNode> earlierArtefacts(
            UUID companyId, Instant before) {
          return List.of();
        }
      };
      GdprWorker dying = GdprWorker.builder(new Dying(requests, new AtomicInteger(steps)), log,
          DataRegion.EU).subjectKeys(keys).proofs(proofs).clock(clock).build();
      assertThatThrownBy(dying::run).isInstanceOf(Killed.class);
      clock.advance(Duration.ofMinutes(1));

      GdprWorker.Summary s = GdprWorker.builder(requests, log, DataRegion.EU).subjectKeys(keys)
          .proofs(proofs).clock(clock).build().run();

      assertThat(s.completed()).isEqualTo(1);
      GdprRequest done = requests.find(r.id()).orElseThrow();
      assertThat(done.status()).isEqualTo(GdprRequestStatus.COMPLETED);
      assertThat(done.result().orElseThrow().get("events_erased").asLong()).isEqualTo(2);
      for (WorkspaceRef ws : chains) {
        EventScope scope = EventScope.of(ws);
        List<AuditEvent> all = store.read(scope, 1, store.head(scope).orElseThrow().seq())
            .toList();
        assertThat(all.stream().filter(e -> e.action().equals(GdprWorker.ACTION))).hasSize(1);
        assertThat(all.get(0).actor().email()).isNull();
        assertThat(all.get(1).actor().email()).isEqualTo("x@y.test");
        assertThat(log.verify(scope, Optional.empty()).ok()).isTrue();
      }
    }
  }
}
