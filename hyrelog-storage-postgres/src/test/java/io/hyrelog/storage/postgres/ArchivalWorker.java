package io.hyrelog.storage.postgres;

import io.hyrelog.Plan;
import io.hyrelog.PlanTier;
import io.hyrelog.archive.Archival;
import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.IdSource;
import io.hyrelog.testkit.ForwardingArchiveStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Test helper run in its own JVM by {@link ArchivalKillIT}: retention marking and archival of one
 * company, announcing on stdout where it is so the test can kill it there. With {@code
 * hold=<point>} it stops (sleeps) at that point until killed: {@code put} (the store started
 * reading the segment, 64 KiB in), {@code stored} (the object is stored, not yet recorded).
 */
public final class ArchivalWorker {
  static final String STARTED = "ARCHIVAL-STARTED";
  static final String DONE = "ARCHIVAL-DONE";

  private ArchivalWorker() {}

  public static void main(String[] args) {
    String url = args[0];
    String user = args[1];
    String password = args[2];
    Path archiveDir = Path.of(args[3]);
    UUID company = UUID.fromString(args[4]);
    Instant asOf = Instant.parse(args[5]);
    String hold = args.length > 6 ? args[6] : "none";
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(url);
    ds.setUser(user);
    ds.setPassword(password);
    Clock clock = Clock.fixed(asOf, ZoneOffset.UTC);
    try (PostgresEventStore store = PostgresEventStore.builder(ds).build()) {
      ArchiveStore objects = new Holding(
          LocalDirectoryArchiveStore.builder(archiveDir).clock(clock).build(), hold);
      Archival archival = Archival.create(store, PostgresArchiveCatalog.create(ds), objects,
          IdSource.secure(clock), clock);
      System.out.println(STARTED);
      archival.markRetention(company, Plan.defaults(PlanTier.GROWTH), asOf);
      Archival.Outcome out = archival.archive(company);
      System.out.println(DONE + " " + out);
    }
  }

  private static void holdHere(String point) {
    System.out.println("HOLD " + point);
    System.out.flush();
    try {
      Thread.sleep(600_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Holding extends ForwardingArchiveStore {
    private final String hold;

    Holding(ArchiveStore objects, String hold) {
      super(objects);
      this.hold = hold;
    }

    @Override
    public ArchiveObject put(String key, InputStream content) {
      InputStream in = !hold.equals("put") ? content : new FilterInputStream(content) {
        long read;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (read >= 64 * 1024) {
            holdHere("put");
          }
          int n = super.read(b, off, len);
          read += Math.max(0, n);
          return n;
        }
      };
      ArchiveObject stored = delegate().put(key, in);
      if (hold.equals("stored")) {
        holdHere("stored");
      }
      return stored;
    }
  }
}
