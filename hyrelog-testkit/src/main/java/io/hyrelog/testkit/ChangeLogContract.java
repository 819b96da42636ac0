package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.hyrelog.Actor;
import io.hyrelog.RequestContext;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.ChangeLog;
import io.hyrelog.spi.ChangeLog.Change;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ChangeLog}: every adapter's test extends this class and supplies a
 * fresh, empty log. The racing test checks whichever interleaving the threads produce.
 */
public abstract class ChangeLogContract {
  protected static final Instant T0 = Instant.parse("2026-06-01T10:00:00.123456789Z");
  protected final UUID company = UUID.fromString("0190cccc-0000-7000-8000-000000000001");
  protected final UUID other = UUID.fromString("0190cccc-0000-7000-8000-000000000002");
  private final Random random = new Random(19);

  protected ChangeLog log;

  /** A fresh, empty change log. */
  protected abstract ChangeLog createChangeLog();

  /** Releases what {@link #createChangeLog} opened. */
  protected void closeChangeLog() {}

  @BeforeEach
  void setUpChangeLog() {
    log = createChangeLog();
  }

  @AfterEach
  void tearDownChangeLog() {
    closeChangeLog();
  }

  /**
   * Change {@code i} of {@code companyId}: a mix of present and absent optional fields.
   *
   * @param i the change's number
   * @param companyId its company
   * @return the change, with a fresh id
   */
  protected Change change(int i, UUID companyId) {
    return new Change(new UUID(random.nextLong(), random.nextLong()), companyId,
        T0.plus(Duration.ofSeconds(i)), "key.revoke",
        new Actor("api_key:" + i, i % 2 == 0 ? null : "u" + i + "@example.com", "COMPANY_KEY",
            null),
        i % 3 == 0 ? Optional.empty() : Optional.of("api_key:" + i),
        JsonNodeFactory.instance.objectNode().put("n", i).put("prefix", "hl_" + i),
        i % 2 == 0 ? Optional.of(new RequestContext("trace-" + i, "203.0.113." + i, "ua"))
            : Optional.empty());
  }

  /**
   * Records changes 0 to {@code n - 1} of {@code companyId}, each in a unit of its own.
   *
   * @param n how many
   * @param companyId their company
   * @return the records, in commit order
   */
  protected List<Change> committed(int n, UUID companyId) {
    List<Change> recorded = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Change c = change(i, companyId);
      recorded.add(c);
      log.atomically(() -> {
        log.record(c);
        return null;
      });
    }
    return recorded;
  }

  /**
   * Drains everything of a company, collecting what the drain passed.
   *
   * @param companyId the company
   * @return the records, in the order passed
   */
  protected List<Change> drainAll(UUID companyId) {
    List<Change> out = new ArrayList<>();
    log.drain(companyId, ChangeLog.MAX_LIMIT, out::add);
    return out;
  }

  /** Committed records drain per company in commit order, read back equal, once. */
  @Test
  public void drain_committedUnits_recordsInCommitOrderEqualToWhatWasRecorded() {
    List<Change> recorded = committed(5, company);
    log.atomically(() -> {
      log.record(change(9, other));
      return null;
    });
    assertThat(log.pending(10)).containsExactly(company, other);
    List<Change> drained = drainAll(company);
    assertThat(drained).containsExactlyElementsOf(recorded);
    assertThat(drained.get(1).at()).isEqualTo(Instant.parse("2026-06-01T10:00:01.123456Z"));
    assertThat(drainAll(company)).isEmpty();
    assertThat(log.pending(10)).containsExactly(other);
  }

  /** A unit that throws keeps none of its records. */
  @Test
  public void atomically_workThrows_nothingRecordedAndTheExceptionPasses() {
    IllegalStateException boom = new IllegalStateException("the change failed");
    assertThatThrownBy(() -> log.atomically(() -> {
      log.record(change(1, company));
      throw boom;
    })).isSameAs(boom);
    assertThat(log.pending(10)).isEmpty();
    assertThat(drainAll(company)).isEmpty();
  }

  /** A nested unit joins the outer one: the outer failure discards the inner records. */
  @Test
  public void atomically_nested_joinsTheOuterUnit() {
    assertThatThrownBy(() -> log.atomically(() -> {
      log.atomically(() -> {
        log.record(change(1, company));
        return null;
      });
      throw new IllegalArgumentException("outer fails after the inner returned");
    })).isInstanceOf(IllegalArgumentException.class);
    assertThat(log.pending(10)).isEmpty();
  }

  /** A record is only written inside a unit of work. */
  @Test
  public void record_outsideAUnit_refused() {
    assertThatThrownBy(() -> log.record(change(1, company)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(log.pending(10)).isEmpty();
  }

  /** A record id is stored once. */
  @Test
  public void record_idAlreadyStored_refused() {
    Change c = committed(1, company).get(0);
    assertThatThrownBy(() -> log.atomically(() -> {
      log.record(c);
      return null;
    })).isInstanceOf(AlreadyStoredException.class);
    assertThat(drainAll(company)).containsExactly(c);
  }

  /** Drains run after the commit, never inside a unit. */
  @Test
  public void drain_insideAUnit_refused() {
    assertThatThrownBy(() -> log.atomically(() -> drainAll(company)))
        .isInstanceOf(IllegalStateException.class);
  }

  /** A failed append keeps its record and the later ones; the earlier ones are gone. */
  @Test
  public void drain_appendFails_keepsThatRecordAndTheRestForTheNextDrain() {
    List<Change> recorded = committed(4, company);
    List<Change> appended = new ArrayList<>();
    IllegalStateException refused = new IllegalStateException("the event store refused");
    assertThatThrownBy(() -> log.drain(company, 10, c -> {
      if (c.equals(recorded.get(2))) {
        throw refused;
      }
      appended.add(c);
    })).isSameAs(refused);
    assertThat(appended).containsExactly(recorded.get(0), recorded.get(1));
    assertThat(drainAll(company)).containsExactly(recorded.get(2), recorded.get(3));
  }

  /** A drain passes at most its limit, oldest first; limits are checked. */
  @Test
  public void drain_limit_passesTheOldestFirst() {
    List<Change> recorded = committed(3, company);
    List<Change> first = new ArrayList<>();
    assertThat(log.drain(company, 2, first::add)).isEqualTo(2);
    assertThat(first).containsExactlyElementsOf(recorded.subList(0, 2));
    assertThatThrownBy(() -> log.drain(company, 0, c -> { }))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.pending(ChangeLog.MAX_LIMIT + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Concurrent drains of one company pass every record once, in order.
   *
   * @throws Exception when a drainer fails
   */
  @Test
  public void drain_racingDrainers_everyRecordOnceInOrder() throws Exception {
    List<Change> recorded = committed(40, company);
    List<Change> appended = Collections.synchronizedList(new ArrayList<>());
    int threads = 4;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          int n = 0;
          int step;
          do {
            step = log.drain(company, 3, appended::add);
            n += step;
          } while (step > 0);
          return n;
        }));
      }
      int total = 0;
      for (Future<Integer> f : done) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(recorded.size());
    } finally {
      pool.shutdownNow();
    }
    assertThat(appended).containsExactlyElementsOf(recorded);
    assertThat(log.pending(10)).isEmpty();
  }
}
