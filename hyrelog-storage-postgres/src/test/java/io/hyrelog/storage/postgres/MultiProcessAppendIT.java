package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.testkit.SampleEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs, each appending from 16 threads through its own group-commit writer, share one chain:
 * the head lock must serialize them with no fork, no gap and no lost acknowledgement. Some
 * threads of both processes send the same keys at the same time, so the idempotency check
 * races across processes too.
 */
@Tag("process")
class MultiProcessAppendIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int PROCESSES = 2;

  private final WorkspaceRef ws = SampleEvents.workspace(41, DataRegion.US);
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

  /**
   * 16 threads x 4 batches, 40% single events, the rest 2..20 events; threads 0..3 append the
   * keys every process shares, the others keys of their own process.
   */
  private static AppendWorker.Plan plan(int process) {
    return new AppendWorker.Plan(16, 4, 2, 20, 40, 7, "p" + process, "shared", 4);
  }

  @Test
  void append_twoProcessesOneChain_storesEachAcknowledgedKeyOnceInContiguousSeqs()
      throws Exception {
    List<Path> outs = new ArrayList<>();
    List<WorkerProcess> workers = new ArrayList<>();
    long began = System.nanoTime();
    try {
      for (int p = 0; p < PROCESSES; p++) {
        outs.add(dir.resolve("acks-" + p + ".txt"));
        workers.add(WorkerProcess.start(db, ws, plan(p), "0", outs.get(p)));
      }
      for (WorkerProcess w : workers) {
        w.awaitStarted(TIMEOUT);
      }
      for (WorkerProcess w : workers) {
        w.go();
      }
      for (WorkerProcess w : workers) {
        w.awaitSuccess(TIMEOUT);
      }
    } finally {
      for (WorkerProcess w : workers) {
        w.close();
      }
    }
    long millis = (System.nanoTime() - began) / 1_000_000;

    List<AppendWorker.Ack> acks = new ArrayList<>();
    Map<String, Integer> creator = new HashMap<>();
    for (int p = 0; p < PROCESSES; p++) {
      for (AppendWorker.Ack a : AppendWorker.readAcks(outs.get(p))) {
        acks.add(a);
        if (a.created()) {
          creator.put(a.key(), p);
        }
      }
    }
    Set<String> planned = new LinkedHashSet<>();
    for (int p = 0; p < PROCESSES; p++) {
      planned.addAll(plan(p).allKeys());
    }
    Set<String> acked = new HashSet<>();
    acks.forEach(a -> acked.add(a.key()));

    assertThat(acked).as("both workers exited 0: every planned key is acknowledged")
        .isEqualTo(planned);
    Map<String, AuditEvent> stored = ChainChecks.storedByKey(store, ws);
    assertThat(stored.keySet()).as("stored keys").isEqualTo(acked);
    ChainChecks.assertAcksStored(acks, stored);
    assertThat(creator.keySet()).as("keys some process acknowledged as created")
        .isEqualTo(acked);
    ChainChecks.assertTablesConsistent(db, ws, acked.size());
    ChainChecks.assertVerifies(store, ws, acked.size());

    System.out.printf("MultiProcessAppendIT: %d processes, %d events stored, %d acks"
            + " (%d + %d), %d creator switches along the chain, %d ms%n", PROCESSES,
        stored.size(), acks.size(), AppendWorker.readAcks(outs.get(0)).size(),
        AppendWorker.readAcks(outs.get(1)).size(), switches(stored, creator), millis);
  }

  /** How often the creating process changes along the chain: 1 would mean no interleaving. */
  private static int switches(Map<String, AuditEvent> stored, Map<String, Integer> creator) {
    int switches = 0;
    Integer last = null;
    for (String key : stored.keySet()) {
      Integer p = creator.get(key);
      if (last != null && !last.equals(p)) {
        switches++;
      }
      last = p;
    }
    return switches;
  }
}
