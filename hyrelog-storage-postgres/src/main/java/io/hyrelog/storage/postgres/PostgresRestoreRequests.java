package io.hyrelog.storage.postgres;

import io.hyrelog.RestoreTier;
import io.hyrelog.lifecycle.CostEstimate;
import io.hyrelog.lifecycle.RestoreConflictException;
import io.hyrelog.lifecycle.RestoreRequest;
import io.hyrelog.lifecycle.RestoreStatus;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.RestoreRequests;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The {@link RestoreRequests} of one region's database (table {@code restore_requests}, migration
 * V6). Thread-safe, and safe with several processes: a change is one conditional {@code UPDATE
 * ... WHERE id = ? AND status = ?} on the status the caller read, so of two writers racing for
 * one request exactly one wins and the other gets {@link RestoreConflictException} (nothing
 * written). Completing and expiring a request also set and clear the segment's {@code
 * restored_until} in the same transaction. The database holds the rules too: a partial unique
 * index allows one open request per segment, a trigger refuses moves outside {@link
 * RestoreStatus}'s table (whoever writes), and CHECK constraints tie the fields to the status.
 *
 * <p>Times are stored with microsecond precision (truncated before they are written).
 */
public final class PostgresRestoreRequests implements RestoreRequests {
  private static final String COLUMNS = "id, company_id, segment_id, tier, days, status,"
      + " requested_by, requested_by_email, estimated_cost, currency, created_at, updated_at,"
      + " approved_by, approved_at, rejected_by, rejected_at, rejection_reason, cancelled_by,"
      + " cancelled_at, initiated_at, completed_at, restored_until, expired_at, failure";
  private final Database db;

  private PostgresRestoreRequests(Database db) {
    this.db = db;
  }

  /**
   * The requests in the default schema ({@value PostgresMigrations#DEFAULT_SCHEMA}).
   *
   * @param dataSource the database, migrated by {@link PostgresMigrations}
   * @return the requests; thread-safe
   */
  public static PostgresRestoreRequests create(DataSource dataSource) {
    return create(dataSource, PostgresMigrations.DEFAULT_SCHEMA);
  }

  /**
   * The requests in {@code schema} of {@code dataSource}'s database (migrated by {@link
   * PostgresMigrations}).
   *
   * @param dataSource the database
   * @param schema the schema of HyreLog's tables
   * @return the requests; thread-safe
   * @throws IllegalArgumentException when {@code schema} is not a lowercase SQL identifier
   * @throws io.hyrelog.HyrelogException when the schema does not exist, is not migrated, or
   *     the connecting role may not use it
   */
  public static PostgresRestoreRequests create(DataSource dataSource, String schema) {
    return new PostgresRestoreRequests(Database.open(dataSource, schema, "restore_requests",
        "archive_segments"));
  }

  /**
   * {@inheritDoc} A duplicate id is found by {@code ON CONFLICT (id) DO NOTHING}; any other
   * unique violation is the partial index of open requests.
   */
  @Override
  public void insert(RestoreRequest r) {
    if (r.status() != RestoreStatus.PENDING) {
      throw new IllegalArgumentException("a new restore request is PENDING, got " + r.status());
    }
    int n;
    try {
      n = db.update("insert restore request " + r.id(), "INSERT INTO <schema>.restore_requests"
          + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
          + " ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING", r.id(), r.companyId(), r.segmentId(),
          r.tier().name(), r.days(), r.status().name(), r.requestedBy(), r.requestedByEmail(), r.estimatedCost().amount(),
          r.estimatedCost().currency(), at(Optional.of(r.createdAt())),
          at(Optional.of(r.updatedAt())), r.approvedBy().orElse(null), at(r.approvedAt()),
          r.rejectedBy().orElse(null), at(r.rejectedAt()), r.rejectionReason().orElse(null),
          r.cancelledBy().orElse(null), at(r.cancelledAt()), at(r.initiatedAt()),
          at(r.completedAt()), at(r.restoredUntil()), at(r.expiredAt()),
          r.failure().orElse(null));
    } catch (PostgresStorageException e) {
      if (Database.UNIQUE_VIOLATION.equals(e.sqlState())) {
        throw new RestoreConflictException(RestoreConflictException.Reason.SEGMENT_HAS_OPEN_REQUEST,
            r.segmentId(), "archive segment " + r.segmentId() + " already has an open restore"
                + " request");
      }
      throw e;
    }
    if (n == 0) {
      throw new AlreadyStoredException("restore request " + r.id() + " is already stored");
    }
  }

  @Override
  public RestoreRequest update(RestoreRequest from, RestoreRequest to) {
    RestoreRequests.requireMove(from, to);
    db.inTransaction("update restore request " + to.id(), h -> {
      int n = Database.bind(h.createUpdate("UPDATE <schema>.restore_requests SET status = ?,"
              + " updated_at = ?, approved_by = ?, approved_at = ?, rejected_by = ?,"
              + " rejected_at = ?, rejection_reason = ?, cancelled_by = ?, cancelled_at = ?,"
              + " initiated_at = ?, completed_at = ?, restored_until = ?, expired_at = ?,"
              + " failure = ? WHERE id = ? AND status = ?"),
          to.status().name(), at(Optional.of(to.updatedAt())), to.approvedBy().orElse(null),
          at(to.approvedAt()), to.rejectedBy().orElse(null), at(to.rejectedAt()),
          to.rejectionReason().orElse(null), to.cancelledBy().orElse(null),
          at(to.cancelledAt()), at(to.initiatedAt()), at(to.completedAt()),
          at(to.restoredUntil()), at(to.expiredAt()), to.failure().orElse(null), to.id(),
          from.status().name()).execute();
      if (n != 1) {
        // Thrown out of the transaction, which rolls it back.
        throw new RestoreConflictException(RestoreConflictException.Reason.STATUS_CHANGED,
            to.id(), "restore request " + to.id() + " is no longer " + from.status()
                + " (changed by another request or worker); read it again");
      }
      if (to.status() == RestoreStatus.COMPLETED || to.status() == RestoreStatus.EXPIRED) {
        h.createUpdate("UPDATE <schema>.archive_segments SET restored_until = ? WHERE id = ?")
            .bind(0, (Object) at(to.status() == RestoreStatus.COMPLETED ? to.restoredUntil()
                : Optional.empty()))
            .bind(1, to.segmentId()).execute();
      }
      return null;
    });
    return find(to.id()).orElseThrow();
  }

  @Override
  public Optional<RestoreRequest> find(UUID id) {
    return db.first("read restore requests", "SELECT " + COLUMNS
        + " FROM <schema>.restore_requests WHERE id = ?", PostgresRestoreRequests::row, id);
  }

  @Override
  public List<RestoreRequest> list(Optional<UUID> companyId, Optional<RestoreStatus> status,
      int limit) {
    RestoreRequests.requireLimit(limit);
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS
        + " FROM <schema>.restore_requests WHERE true");
    List<Object> args = new ArrayList<>();
    companyId.ifPresent(x -> {
      sql.append(" AND company_id = ?");
      args.add(x);
    });
    status.ifPresent(x -> {
      sql.append(" AND status = ?");
      args.add(x.name());
    });
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
    args.add(limit);
    return query(sql.toString(), args.toArray());
  }

  @Override
  public List<RestoreRequest> inStatus(RestoreStatus status, Instant changedBy, int limit) {
    RestoreRequests.requireLimit(limit);
    return query("SELECT " + COLUMNS + " FROM <schema>.restore_requests WHERE status = ?"
        + " AND updated_at <= ? ORDER BY updated_at, id LIMIT ?", status.name(),
        at(Optional.of(changedBy)), limit);
  }

  @Override
  public List<RestoreRequest> expiring(Instant asOf, int limit) {
    RestoreRequests.requireLimit(limit);
    return query("SELECT " + COLUMNS + " FROM <schema>.restore_requests"
        + " WHERE status = 'COMPLETED' AND restored_until <= ? ORDER BY restored_until, id"
        + " LIMIT ?", at(Optional.of(asOf)), limit);
  }

  private List<RestoreRequest> query(String sql, Object... args) {
    return db.list("read restore requests", sql, PostgresRestoreRequests::row, args);
  }

  private static RestoreRequest row(ResultSet rs, StatementContext ctx) throws SQLException {
    return new RestoreRequest(
        rs.getObject("id", UUID.class),
        rs.getObject("company_id", UUID.class),
        rs.getObject("segment_id", UUID.class),
        RestoreTier.valueOf(rs.getString("tier")),
        rs.getInt("days"),
        RestoreStatus.valueOf(rs.getString("status")),
        rs.getString("requested_by"),
        rs.getString("requested_by_email"),
        new CostEstimate(rs.getBigDecimal("estimated_cost"), rs.getString("currency")),
        instant(rs, "created_at").orElseThrow(),
        instant(rs, "updated_at").orElseThrow(),
        Optional.ofNullable(rs.getString("approved_by")),
        instant(rs, "approved_at"),
        Optional.ofNullable(rs.getString("rejected_by")),
        instant(rs, "rejected_at"),
        Optional.ofNullable(rs.getString("rejection_reason")),
        Optional.ofNullable(rs.getString("cancelled_by")),
        instant(rs, "cancelled_at"),
        instant(rs, "initiated_at"),
        instant(rs, "completed_at"),
        instant(rs, "restored_until"),
        instant(rs, "expired_at"),
        Optional.ofNullable(rs.getString("failure")));
  }

  private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(Database.instant(rs, rs.findColumn(column)));
  }

  // Times as stored: the database keeps microseconds, so values read back equal these.
  private static Instant at(Optional<Instant> t) {
    return t.map(x -> x.truncatedTo(ChronoUnit.MICROS)).orElse(null);
  }
}
