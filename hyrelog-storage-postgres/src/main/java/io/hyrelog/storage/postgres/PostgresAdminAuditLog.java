package io.hyrelog.storage.postgres;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The dashboard's admin audit log (table {@code admin_audit_log}, migration V6): insert-only
 * (the application role has no UPDATE or DELETE, and a trigger refuses them for anyone), read
 * newest first by id in pages, or one company's entries oldest first as a stream. Thread-safe.
 */
public final class PostgresAdminAuditLog {
  /** The most entries one page holds. */
  public static final int MAX_LIMIT = 200;
  /** Rows fetched per round trip by {@link #read}. */
  static final int FETCH_SIZE = 500;
  private static final String COLUMNS = "id, at, actor_user_id, actor_email, actor_role,"
      + " company_id, action, target, outcome, details::text, request_id";

  private final Database db;

  private PostgresAdminAuditLog(Database db) {
    this.db = db;
  }

  /** The log in the default schema ({@value PostgresMigrations#DEFAULT_SCHEMA}). */
  public static PostgresAdminAuditLog create(DataSource dataSource) {
    return create(dataSource, PostgresMigrations.DEFAULT_SCHEMA);
  }

  /**
   * The log in {@code schema} of {@code dataSource}'s database (migrated by {@link
   * PostgresMigrations}).
   *
   * @throws IllegalArgumentException when {@code schema} is not a lowercase SQL identifier
   * @throws io.hyrelog.HyrelogException when the schema does not exist, is not migrated, or
   *     the connecting role may not use it
   */
  public static PostgresAdminAuditLog create(DataSource dataSource, String schema) {
    return new PostgresAdminAuditLog(Database.open(dataSource, schema, "admin_audit_log"));
  }

  /**
   * One action of a dashboard user.
   *
   * @param id assigned by the database in insertion order (0 in a new entry)
   * @param companyId the company concerned, if any
   * @param action what was done, e.g. {@code restore_request.approve}
   * @param target what it was done to, e.g. {@code restore_request:<id>}
   * @param outcome {@code OK} or {@code REFUSED}
   * @param details a JSON object (no secrets, no payloads)
   * @param requestId the HTTP request's id
   */
  public record Entry(long id, Instant at, String actorUserId, String actorEmail,
      String actorRole, Optional<UUID> companyId, String action, Optional<String> target,
      String outcome, String details, Optional<String> requestId) {
    public Entry {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(actorUserId, "actorUserId");
      Objects.requireNonNull(actorEmail, "actorEmail");
      Objects.requireNonNull(actorRole, "actorRole");
      Objects.requireNonNull(companyId, "companyId");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(target, "target");
      if (!outcome.equals("OK") && !outcome.equals("REFUSED")) {
        throw new IllegalArgumentException("outcome is OK or REFUSED, got " + outcome);
      }
      Objects.requireNonNull(details, "details");
      Objects.requireNonNull(requestId, "requestId");
    }
  }

  /** Appends an entry (its id is ignored) and returns its assigned id. */
  public long append(Entry e) {
    return db.withHandle("append to the admin audit log", h -> Database.bind(h.createQuery(
            "INSERT INTO <schema>.admin_audit_log (at, actor_user_id, actor_email, actor_role,"
                + " company_id, action, target, outcome, details, request_id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) RETURNING id"),
            e.at().truncatedTo(ChronoUnit.MICROS), e.actorUserId(), e.actorEmail(),
            e.actorRole(), e.companyId().orElse(null), e.action(), e.target().orElse(null),
            e.outcome(), e.details(), e.requestId().orElse(null))
        .mapTo(Long.class).one());
  }

  /**
   * A page of entries, newest first: those with an id below {@code before} (all when empty),
   * optionally of one company.
   *
   * @param limit 1..{@value #MAX_LIMIT}
   */
  public List<Entry> page(OptionalLong before, Optional<UUID> companyId, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
    }
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS
        + " FROM <schema>.admin_audit_log WHERE true");
    List<Object> args = new ArrayList<>();
    if (before.isPresent()) {
      sql.append(" AND id < ?");
      args.add(before.getAsLong());
    }
    companyId.ifPresent(x -> {
      sql.append(" AND company_id = ?");
      args.add(x);
    });
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(limit);
    return db.list("read the admin audit log", sql.toString(), PostgresAdminAuditLog::entry,
        args.toArray());
  }

  /**
   * Every entry of one company, oldest first (in id order), streamed from a server-side cursor
   * ({@value #FETCH_SIZE} rows per round trip, so memory does not grow with the log) in a
   * read-only transaction that sees the log as it was when the read began. Entries that name
   * no company are in no company's read. The stream holds a connection until it is closed:
   * close it (try-with-resources). A read failure is thrown by the stream as a {@link
   * PostgresStorageException}.
   */
  public Stream<Entry> read(UUID companyId) {
    Objects.requireNonNull(companyId, "companyId");
    return db.stream("read the admin audit log of company " + companyId,
        h -> h.createQuery("SELECT " + COLUMNS + " FROM <schema>.admin_audit_log"
                + " WHERE company_id = ? ORDER BY id")
            .bind(0, companyId).setFetchSize(FETCH_SIZE).map(PostgresAdminAuditLog::entry));
  }

  private static Entry entry(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Entry(rs.getLong(1), Database.instant(rs, 2), rs.getString(3), rs.getString(4),
        rs.getString(5), Optional.ofNullable(rs.getObject(6, UUID.class)), rs.getString(7),
        Optional.ofNullable(rs.getString(8)), rs.getString(9), rs.getString(10),
        Optional.ofNullable(rs.getString(11)));
  }
}
