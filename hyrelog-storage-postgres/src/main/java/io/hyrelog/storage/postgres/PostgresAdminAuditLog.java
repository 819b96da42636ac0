package io.hyrelog.storage.postgres;

import io.hyrelog.spi.AdminAuditLog;
import java.sql.ResultSet;
import java.sql.SQLException;
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
 * The dashboard's {@link AdminAuditLog} in one database (table {@code admin_audit_log}, migration
 * V6): insert-only (the application role has no UPDATE or DELETE, and a trigger refuses them
 * for anyone, the owner included), ids from an identity column in insertion order, details as
 * {@code jsonb}. Thread-safe.
 */
public final class PostgresAdminAuditLog implements AdminAuditLog {
  /** Rows fetched per round trip by {@link #read}. */
  static final int FETCH_SIZE = 500;
  private static final String COLUMNS = "id, at, actor_user_id, actor_email, actor_role,"
      + " company_id, action, target, outcome, details::text, request_id";

  private final Database db;

  private PostgresAdminAuditLog(Database db) {
    this.db = db;
  }

  /**
   * The log in the default schema ({@value PostgresMigrations#DEFAULT_SCHEMA}).
   *
   * @param dataSource the database, migrated by {@link PostgresMigrations}
   * @return the log; thread-safe
   */
  public static PostgresAdminAuditLog create(DataSource dataSource) {
    return create(dataSource, PostgresMigrations.DEFAULT_SCHEMA);
  }

  /**
   * The log in {@code schema} of {@code dataSource}'s database (migrated by {@link
   * PostgresMigrations}).
   *
   * @param dataSource the database
   * @param schema the schema of HyreLog's tables
   * @return the log; thread-safe
   * @throws IllegalArgumentException when {@code schema} is not a lowercase SQL identifier
   * @throws io.hyrelog.HyrelogException when the schema does not exist, is not migrated, or
   *     the connecting role may not use it
   */
  public static PostgresAdminAuditLog create(DataSource dataSource, String schema) {
    return new PostgresAdminAuditLog(Database.open(dataSource, schema, "admin_audit_log"));
  }

  @Override
  public long append(Entry e) {
    return db.withHandle("append to the admin audit log", h -> Database.bind(h.createQuery(
            "INSERT INTO <schema>.admin_audit_log (at, actor_user_id, actor_email, actor_role,"
                + " company_id, action, target, outcome, details, request_id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) RETURNING id"),
            e.at().truncatedTo(ChronoUnit.MICROS), e.actorUserId(), e.actorEmail(),
            e.actorRole(), e.companyId().orElse(null), e.action(), e.target().orElse(null),
            e.outcome(), JsonObjects.write(e.details()), e.requestId().orElse(null))
        .mapTo(Long.class).one());
  }

  @Override
  public List<Entry> page(OptionalLong before, Optional<UUID> companyId, int limit) {
    AdminAuditLog.requireLimit(limit);
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
   * {@inheritDoc} Streamed from a server-side cursor ({@value #FETCH_SIZE} rows per round trip)
   * in a read-only transaction; the stream holds a connection until it is closed, and a read
   * failure is thrown by it as a {@link PostgresStorageException}.
   */
  @Override
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
        Optional.ofNullable(rs.getString(8)), rs.getString(9),
        JsonObjects.read("admin audit log entry " + rs.getLong(1), rs.getString(10)), Optional.ofNullable(rs.getString(11)));
  }
}
