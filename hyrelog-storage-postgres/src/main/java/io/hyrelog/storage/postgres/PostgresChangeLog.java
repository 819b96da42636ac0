package io.hyrelog.storage.postgres;

import io.hyrelog.Actor;
import io.hyrelog.RequestContext;
import io.hyrelog.spi.ChangeLog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The {@link ChangeLog} in one database (table {@code change_log}, migration V19), a
 * transactional outbox. {@link #atomically} is {@link Database#atomically}: inside it, every
 * HyreLog store on the same data source and schema (the tenant directory of {@link
 * PostgresTenants}, the webhook endpoints of {@link PostgresEventStore#webhooks()}, …) writes
 * in the one transaction that {@link #record} writes in, whichever store object it is. Records
 * of one company take {@code seq}s under a per-company advisory lock held to the commit, so
 * their {@code seq} order is their commit order across processes; {@link #drain} takes another
 * per-company advisory lock (concurrent drains of one company wait for each other), reads the
 * company's oldest rows and deletes each one after its consumer returned, all in one
 * transaction: a drain that dies before its commit leaves every row it read. Thread-safe.
 */
public final class PostgresChangeLog implements ChangeLog {
  private static final String COLUMNS = "id, company_id, at, action, actor_id, actor_email,"
      + " actor_role, actor_name, target, details, trace_id, ip, user_agent";

  private final Database db;

  private PostgresChangeLog(Database db) {
    this.db = db;
  }

  /**
   * The change log in the default schema ({@value PostgresMigrations#DEFAULT_SCHEMA}).
   *
   * @param dataSource the database, migrated by {@link PostgresMigrations}; the same data
   *     source object the stores whose changes are recorded use
   * @return the log; thread-safe
   */
  public static PostgresChangeLog create(DataSource dataSource) {
    return create(dataSource, PostgresMigrations.DEFAULT_SCHEMA);
  }

  /**
   * The change log in {@code schema} of {@code dataSource}'s database.
   *
   * @param dataSource the database; the same data source object the stores whose changes are
   *     recorded use
   * @param schema the schema of HyreLog's tables
   * @return the log; thread-safe
   * @throws IllegalArgumentException when {@code schema} is not a lowercase SQL identifier
   * @throws io.hyrelog.HyrelogException when the schema does not exist, is not migrated, or
   *     the connecting role may not use it
   */
  public static PostgresChangeLog create(DataSource dataSource, String schema) {
    return new PostgresChangeLog(Database.open(dataSource, schema, "change_log"));
  }

  @Override
  public <T> T atomically(Supplier<T> work) {
    return Database.atomically(work);
  }

  @Override
  public void record(Change c) {
    Objects.requireNonNull(c, "change");
    if (!Database.inUnit()) {
      throw new IllegalStateException("a change is recorded inside atomically(…), in the"
          + " transaction of the change it records");
    }
    Database.refusingDuplicates("change " + c.id(), () -> db.withHandle(
        "record change " + c.id(), h -> {
          // Held to the commit: the next record of this company takes its seq after this one
          // committed (or rolled back), so seq order is commit order.
          h.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 19))",
              "change-log:" + c.companyId());
          Actor a = c.actor();
          Optional<RequestContext> r = c.context();
          return Database.bind(h.createUpdate("INSERT INTO <schema>.change_log (" + COLUMNS
                  + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
              c.id(), c.companyId(), c.at(), c.action(), a.id(), a.email(), a.role(), a.name(),
              c.target().orElse(null), JsonObjects.write(c.details()),
              r.map(RequestContext::traceId).orElse(null), r.map(RequestContext::ip).orElse(null),
              r.map(RequestContext::userAgent).orElse(null))
              .execute();
        }));
  }

  @Override
  public List<UUID> pending(int limit) {
    ChangeLog.requireLimit(limit);
    return db.list("list the companies with pending changes", "SELECT company_id FROM"
            + " <schema>.change_log GROUP BY company_id ORDER BY min(seq) LIMIT ?",
        (rs, ctx) -> rs.getObject(1, UUID.class), limit);
  }

  @Override
  public int drain(UUID companyId, int limit, Consumer<Change> append) {
    Objects.requireNonNull(companyId, "companyId");
    ChangeLog.requireLimit(limit);
    Objects.requireNonNull(append, "append");
    if (Database.inUnit()) {
      throw new IllegalStateException("drain runs after the unit of work committed, not in it");
    }
    RuntimeException[] failure = new RuntimeException[1];
    int drained = db.inTransaction("drain the changes of company " + companyId, h -> {
      // Drains of one company wait for each other; the query's snapshot is taken after the
      // wait (read committed), so it no longer sees what the drain before removed.
      h.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 19))",
          "change-log-drain:" + companyId);
      List<Change> rows = h.createQuery("SELECT " + COLUMNS + " FROM <schema>.change_log"
              + " WHERE company_id = ? ORDER BY seq LIMIT ?")
          .bind(0, companyId).bind(1, limit).map(PostgresChangeLog::change).list();
      int n = 0;
      for (Change c : rows) {
        try {
          append.accept(c);
        } catch (RuntimeException e) {
          failure[0] = e; // kept with the records after it; the removals so far commit
          break;
        }
        h.execute("DELETE FROM <schema>.change_log WHERE id = ?", c.id());
        n++;
      }
      return n;
    });
    if (failure[0] != null) {
      throw failure[0];
    }
    return drained;
  }

  private static Change change(ResultSet rs, StatementContext ctx) throws SQLException {
    UUID id = rs.getObject(1, UUID.class);
    RequestContext r = new RequestContext(rs.getString(11), rs.getString(12),
        rs.getString(13));
    return new Change(id, rs.getObject(2, UUID.class), Database.instant(rs, 3),
        rs.getString(4), new Actor(rs.getString(5), rs.getString(6), rs.getString(7),
            rs.getString(8)), Optional.ofNullable(rs.getString(9)),
        JsonObjects.read("change " + id, rs.getString(10)), Optional.of(r));
  }
}
