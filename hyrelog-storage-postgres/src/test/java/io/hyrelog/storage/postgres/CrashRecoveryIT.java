package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.testkit.SampleEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer JVM is killed (SIGKILL) while it appends, again and again, and each time restarted
 * where it may have stopped: the batch in flight at the kill may or may not have committed, and
 * is sent again with the same keys. A last worker then sends the whole plan again, so every key
 * is replayed at least once. Nothing acknowledged may be lost or changed, and nothing may be
 * stored twice.
 *
 * <p>Rounds resume rather than replay the whole plan so that every round spends its time on new
 * appends (a kill lands among inserts, not among replays) and every retry of an in-flight batch
 * meets the outcome of a killed transaction; the final full replay still sends every key again.
 */
@Tag("process")
class CrashRecoveryIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int ROUNDS = 6;
  /**
   * 8 threads x 80 batches of 1..50 events (about 16,000 events), one chain: more than the kill
   * rounds write on a 2-core machine (4,000 to 10,000), so each of them ends mid-plan; a machine
   * four times faster still leaves the first two rounds mid-plan.
   */
  private static final AppendWorker.Plan PLAN =
      new AppendWorker.Plan(8, 80, 1, 50, 0, 11, "crash", "crash", 0);

  private final WorkspaceRef ws = SampleEvents.workspace(43, DataRegion.US);
  @TempDir Path dir;
  private PostgresFixture.Database db;
  private PostgresEventStore store;

  @BeforeEach
  void setUp() {
    db = PostgresFixture.newDatabase();
    store = PostgresEventStore.builder(db.app()).build();
  }

  @AfterEach
  void tearDown() {
    store.close();
    db.close();
  }

  @Test
  void append_writerKilledMidWriteThenResumed_losesAndDuplicatesNothing() throws Exception {
    Set<String> planned = PLAN.allKeys();
    Random timing = new Random(2026);
    List<AppendWorker.Ack> acks = new ArrayList<>();
    Set<String> acked = new HashSet<>();
    int rounds = 0;
    int killedMidWrite = 0;
    int roundsWithUnackedCommits = 0;
    long began = System.nanoTime();
    for (int round = 0; round < ROUNDS && acked.size() < planned.size(); round++) {
      rounds++;
      String start = resumePoints(acked);
      Path out = dir.resolve("round-" + round + ".txt");
      int delay = 200 + timing.nextInt(701);
      boolean killed;
      try (WorkerProcess w = WorkerProcess.start(db, ws, PLAN, start, out)) {
        w.awaitStarted(TIMEOUT);
        w.go();
        w.awaitAppending(TIMEOUT);
        Thread.sleep(delay); // the deliberate kill delay, not synchronization
        killed = w.kill();
      }
      List<AppendWorker.Ack> roundAcks = AppendWorker.readAcks(out);
      acks.addAll(roundAcks);
      roundAcks.forEach(a -> acked.add(a.key()));
      // It was appending (it had recorded an ack), and it had not finished the plan.
      boolean midWrite = killed && !roundAcks.isEmpty() && acked.size() < planned.size();
      killedMidWrite += midWrite ? 1 : 0;

      Map<String, AuditEvent> stored = ChainChecks.storedByKey(store, ws);
      ChainChecks.assertAcksStored(acks, stored);
      ChainChecks.assertTablesConsistent(db, ws, stored.size());
      assertThat(planned).as("stored keys are planned keys").containsAll(stored.keySet());
      long unacked = stored.keySet().stream().filter(k -> !acked.contains(k)).count();
      roundsWithUnackedCommits += unacked > 0 ? 1 : 0;
      System.out.printf("CrashRecoveryIT round %d: kill %d ms after the first ack, %s, %d acks"
              + " this round, %d keys acked so far, %d stored, %d committed but not acked%n",
          round, delay, midWrite ? "killed mid-write" : "NOT mid-write", roundAcks.size(),
          acked.size(), stored.size(), unacked);
    }

    Path last = dir.resolve("final.txt");
    try (WorkerProcess w = WorkerProcess.start(db, ws, PLAN, "0", last)) {
      w.awaitStarted(TIMEOUT);
      w.go();
      w.awaitSuccess(TIMEOUT);
    }
    List<AppendWorker.Ack> finalAcks = AppendWorker.readAcks(last);
    acks.addAll(finalAcks);
    Set<String> finalKeys = new HashSet<>();
    finalAcks.forEach(a -> finalKeys.add(a.key()));
    long createdAtLast = finalAcks.stream().filter(AppendWorker.Ack::created).count();
    long millis = (System.nanoTime() - began) / 1_000_000;

    assertThat(killedMidWrite).as("rounds killed while appending").isGreaterThanOrEqualTo(2);
    assertThat(finalKeys).as("the final worker acknowledged the whole plan").isEqualTo(planned);
    assertThat(finalAcks).as("one acknowledgement per planned key").hasSize(planned.size());
    Map<String, AuditEvent> stored = ChainChecks.storedByKey(store, ws);
    assertThat(stored.keySet()).as("stored keys").isEqualTo(planned);
    ChainChecks.assertAcksStored(acks, stored);
    ChainChecks.assertTablesConsistent(db, ws, planned.size());
    ChainChecks.assertVerifies(store, ws, planned.size());
    System.out.printf("CrashRecoveryIT: %d rounds, %d killed mid-write, %d left commits"
            + " unacknowledged, %d keys acked before the final run, %d created by it, %d events"
            + " stored, %d acks in all, %d ms%n", rounds, killedMidWrite,
        roundsWithUnackedCommits, acked.size(), createdAtLast, stored.size(), acks.size(),
        millis);
  }

  /**
   * Each thread's first batch not wholly acknowledged yet: a thread appends its batches in
   * order and records each before the next, so every earlier batch is done.
   */
  private static String resumePoints(Set<String> acked) {
    StringJoiner start = new StringJoiner(",");
    for (int t = 0; t < PLAN.threads(); t++) {
      int b = 0;
      while (b < PLAN.batches() && acked.containsAll(PLAN.keys(t, b))) {
        b++;
      }
      start.add(Integer.toString(b));
    }
    return start.toString();
  }
}
