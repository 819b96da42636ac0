package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.NewEvent;
import io.hyrelog.Plan;
import io.hyrelog.PlanTier;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.archive.Archival;
import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveSegment.Status;
import io.hyrelog.IdSource;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills a real archival process ({@link ArchivalWorker}, its own JVM, {@code destroyForcibly},
 * i.e. SIGKILL) mid-upload, right after an object was stored but before it was recorded, and at
 * a seeded random moment; then a new archival run on the same database and directory must leave
 * one object per segment key, every segment verified, no hot row purged without a verified
 * segment, and every event readable exactly once.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@Tag("process")
class ArchivalKillIT {
  private static final Instant START = Instant.parse("2026-02-01T00:30:00Z");
  private static final Instant AS_OF = START.plus(Duration.ofDays(95));

  @ParameterizedTest
  @ValueSource(strings = {"put", "stored", "random-1", "random-2"})
  @SuppressWarnings("try")
  void killedArchival_rerun_leavesOneObjectPerKey_purgesOnlyVerified_losesNothing(String point)
      throws Exception {
    Path archiveDir = Files.createTempDirectory("hyrelog-kill-archive");
    try (PostgresFixture.Database db = PostgresFixture.newDatabase()) {
      DataSource ds = db.app();
      UUID company = UUID.randomUUID();
      List<AuditEvent> appended = new ArrayList<>();
      List<WorkspaceRef> chains = List.of(
          new WorkspaceRef(company, UUID.randomUUID(), DataRegion.US),
          new WorkspaceRef(company, UUID.randomUUID(), DataRegion.US));
      MutableClock clock = new MutableClock(START);
      try (PostgresEventStore store = PostgresEventStore.builder(ds).build()) {
        EventLog log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 7))
            .build();
        SampleEvents samples = new SampleEvents(point.hashCode());
        // Two days of 1,500 events per chain: segments of several hundred KiB.
        for (int day = 0; day < 2; day++) {
          for (WorkspaceRef ws : chains) {
            for (int batch = 0; batch < 3; batch++) {
              List<NewEvent> events = new ArrayList<>();
              for (int i = 0; i < 500; i++) {
                events.add(samples.next(null));
              }
              log.appendBatch(ws, events).forEach(o -> appended.add(o.event()));
              clock.advance(Duration.ofMinutes(10));
            }
          }
          clock.set(START.plus(Duration.ofDays(day + 1)));
        }

        String hold = point.startsWith("random") ? "none" : point;
        Process worker = startWorker(db, archiveDir, company, hold);
        CompletableFuture<String> output = readOutput(worker);
        try {
          if (hold.equals("none")) {
            awaitLine(worker, ArchivalWorker.STARTED);
            Thread.sleep(new Random(point.hashCode()).nextInt(1500));
          } else {
            awaitLine(worker, "HOLD " + hold);
          }
        } finally {
          worker.destroyForcibly();
          worker.waitFor(30, TimeUnit.SECONDS);
        }

        PostgresArchiveCatalog catalog = PostgresArchiveCatalog.create(ds);
        // Whatever the kill left: no hot row is gone unless its segment verified.
        assertPurgedOnlyUnderVerifiedSegments(ds, catalog);

        MutableClock after = new MutableClock(AS_OF);
        LocalDirectoryArchiveStore objects = LocalDirectoryArchiveStore.builder(archiveDir)
            .clock(after).build();
        Archival rerun = Archival.create(store, catalog, objects, IdSource.secure(after), after);
        rerun.markRetention(company, Plan.defaults(PlanTier.GROWTH), AS_OF);
        Archival.Outcome out = rerun.archive(company);
        assertThat(out.errors()).as(output.getNow("")).isEmpty();

        List<ArchiveSegment> segments = catalog.segments(company);
        assertThat(segments).isNotEmpty().allSatisfy(s -> {
          assertThat(s.status()).isEqualTo(Status.VERIFIED);
          assertThat(s.purgedAt()).isPresent();
        });
        try (Stream<ArchiveObject> listed = objects.list("archives/")) {
          assertThat(listed.map(ArchiveObject::key).toList())
              .containsExactlyInAnyOrderElementsOf(
                  segments.stream().map(ArchiveSegment::key).toList());
        }
        assertPurgedOnlyUnderVerifiedSegments(ds, catalog);
        List<UUID> read = new ArrayList<>();
        for (WorkspaceRef ws : chains) {
          try (Stream<AuditEvent> s = rerun.readChain(EventScope.of(ws), 1, Long.MAX_VALUE)) {
            s.forEach(e -> read.add(e.id()));
          }
        }
        assertThat(read).hasSize(appended.size()).containsExactlyInAnyOrderElementsOf(
            appended.stream().map(AuditEvent::id).toList());
      }
    }
  }

  private static void assertPurgedOnlyUnderVerifiedSegments(DataSource ds,
      PostgresArchiveCatalog catalog) throws Exception {
    Set<String> verifiedKeys = new HashSet<>();
    for (ArchiveSegment s : catalog.segments(List.of(Status.VERIFIED))) {
      verifiedKeys.add(s.key());
    }
    try (Connection c = ds.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT archive_ref FROM hyrelog.purge_log")) {
      while (rs.next()) {
        assertThat(verifiedKeys).contains(rs.getString(1));
      }
    }
  }

  private static Process startWorker(PostgresFixture.Database db, Path archiveDir, UUID company,
      String hold) throws IOException {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-cp", cp, ArchivalWorker.class.getName(), db.appUrl(),
        db.appUser(), db.appPassword(), archiveDir.toString(), company.toString(),
        AS_OF.toString(), hold);
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  private final StringBuffer lines = new StringBuffer();

  private CompletableFuture<String> readOutput(Process p) {
    CompletableFuture<String> all = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (lines) {
            lines.append(line).append('\n');
            lines.notifyAll();
          }
        }
      } catch (IOException e) {
        lines.append("(output ended: ").append(e).append(")\n");
      } finally {
        synchronized (lines) {
          lines.append("<EOF>\n");
          lines.notifyAll();
        }
        all.complete(lines.toString());
      }
    }, "archival-worker-output");
    t.setDaemon(true);
    t.start();
    return all;
  }

  private void awaitLine(Process p, String wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    synchronized (lines) {
      while (!lines.toString().contains(wanted)) {
        if (lines.toString().contains("<EOF>")) {
          throw new AssertionError("the worker ended before '" + wanted + "':\n" + lines);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no '" + wanted + "' from the worker:\n" + lines);
        }
        lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }
}
