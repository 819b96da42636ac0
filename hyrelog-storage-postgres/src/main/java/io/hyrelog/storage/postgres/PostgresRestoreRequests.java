package io.hyrelog.storage.postgres;

import io.hyrelog.HyrelogException;
import io.hyrelog.lifecycle.CostEstimate;
import io.hyrelog.lifecycle.RestoreConflictException;
import io.hyrelog.lifecycle.RestoreRequest;
import io.hyrelog.lifecycle.RestoreStatus;
import io.hyrelog.spi.RestoreTier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Restore requests in one region's database (table {@code restore_requests}, migration V6).
 * Thread-safe, and safe with several processes: a change is one conditional {@code UPDATE ...
 * WHERE id = ? AND status = ?} on the status the caller read, so of two writers racing for one
 * request exactly one wins and the other gets {@link RestoreConflictException} (nothing
 * written). Completing and expiring a request also set and clear the segment's {@code
 * restored_until} in the same transaction.
 *
 * <p>Times are stored with microsecond precision; values read back are truncated accordingly.
 */
public final class PostgresRestoreRequests {
  private static final String COLUMNS = "id, company_id, segment_id, tier, days, status,"
      + " requested_by, requested_by_email, estimated_cost, currency, created_at, updated_at,"
      + " approved_by, approved_at, rejected_by, rejected_at, rejection_reason, cancelled_by,"
      + " cancelled_at, initiated_at, completed_at, restored_until, expired_at, failure";
  /** The most rows one list returns. */
  public static final int MAX_LIMIT = 500;

  private final DataSource dataSource;

  private PostgresRestoreRequests(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The requests in the database behind {@code dataSource} (migrated). */
  public static PostgresRestoreRequests create(DataSource dataSource) {
    return new PostgresRestoreRequests(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * Stores a new PENDING request.
   *
   * @throws RestoreConflictException ({@code SEGMENT_HAS_OPEN_REQUEST}) when the segment
   *     already has an open request
   * @throws IllegalArgumentException when the request is not PENDING
   */
  public void insert(RestoreRequest r) {
    if (r.status() != RestoreStatus.PENDING) {
      throw new IllegalArgumentException("a new restore request is PENDING, got " + r.status());
    }
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement("INSERT INTO restore_requests (" + COLUMNS
             + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
             + " ?)")) {
      ps.setObject(1, r.id());
      ps.setObject(2, r.companyId());
      ps.setObject(3, r.segmentId());
      ps.setString(4, r.tier().name());
      ps.setInt(5, r.days());
      bindChangeable(ps, 6, r);
      ps.executeUpdate();
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        throw new RestoreConflictException(RestoreConflictException.Reason.SEGMENT_HAS_OPEN_REQUEST,
            r.segmentId(), "archive segment " + r.segmentId() + " already has an open restore"
                + " request");
      }
      throw failure("insert restore request " + r.id(), e);
    }
  }

  /**
   * Stores {@code to}, the next state of {@code from}, if the stored request is still in {@code
   * from}'s status. Moving to COMPLETED sets the segment's {@code restored_until}; moving to
   * EXPIRED clears it (the segment is cold again).
   *
   * @return {@code to} as stored (times at microsecond precision)
   * @throws RestoreConflictException ({@code STATUS_CHANGED}) when another writer changed the
   *     request first, or it does not exist
   * @throws IllegalArgumentException when {@code to} is not a move of {@code from}
   */
  public RestoreRequest update(RestoreRequest from, RestoreRequest to) {
    if (!from.id().equals(to.id()) || !from.status().canMoveTo(to.status())) {
      throw new IllegalArgumentException("restore request " + to.id() + ": " + from.status()
          + " -> " + to.status() + " is not a move of one request");
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        int n;
        try (PreparedStatement ps = c.prepareStatement("UPDATE restore_requests SET status = ?,"
            + " updated_at = ?, approved_by = ?, approved_at = ?, rejected_by = ?,"
            + " rejected_at = ?, rejection_reason = ?, cancelled_by = ?, cancelled_at = ?,"
            + " initiated_at = ?, completed_at = ?, restored_until = ?, expired_at = ?,"
            + " failure = ? WHERE id = ? AND status = ?")) {
          int i = 1;
          ps.setString(i++, to.status().name());
          ts(ps, i++, Optional.of(to.updatedAt()));
          text(ps, i++, to.approvedBy());
          ts(ps, i++, to.approvedAt());
          text(ps, i++, to.rejectedBy());
          ts(ps, i++, to.rejectedAt());
          text(ps, i++, to.rejectionReason());
          text(ps, i++, to.cancelledBy());
          ts(ps, i++, to.cancelledAt());
          ts(ps, i++, to.initiatedAt());
          ts(ps, i++, to.completedAt());
          ts(ps, i++, to.restoredUntil());
          ts(ps, i++, to.expiredAt());
          text(ps, i++, to.failure());
          ps.setObject(i++, to.id());
          ps.setString(i, from.status().name());
          n = ps.executeUpdate();
        }
        if (n != 1) {
          c.rollback();
          throw new RestoreConflictException(RestoreConflictException.Reason.STATUS_CHANGED,
              to.id(), "restore request " + to.id() + " is no longer " + from.status()
                  + " (changed by another request or worker); read it again");
        }
        if (to.status() == RestoreStatus.COMPLETED || to.status() == RestoreStatus.EXPIRED) {
          try (PreparedStatement ps = c.prepareStatement(
              "UPDATE archive_segments SET restored_until = ? WHERE id = ?")) {
            ts(ps, 1, to.status() == RestoreStatus.COMPLETED ? to.restoredUntil()
                : Optional.empty());
            ps.setObject(2, to.segmentId());
            ps.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failure("update restore request " + to.id(), e);
    }
    return find(to.id()).orElseThrow();
  }

  /** One request, or empty. */
  public Optional<RestoreRequest> find(UUID id) {
    List<RestoreRequest> one = query("SELECT " + COLUMNS + " FROM restore_requests WHERE id = ?",
        ps -> ps.setObject(1, id));
    return one.stream().findFirst();
  }

  /**
   * Requests newest first ({@code created_at DESC, id DESC}), optionally of one company and in
   * one status.
   *
   * @param limit 1..{@value #MAX_LIMIT}
   */
  public List<RestoreRequest> list(Optional<UUID> companyId, Optional<RestoreStatus> status,
      int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
    }
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM restore_requests WHERE"
        + " true");
    companyId.ifPresent(x -> sql.append(" AND company_id = ?"));
    status.ifPresent(x -> sql.append(" AND status = ?"));
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
    return query(sql.toString(), ps -> {
      int i = 1;
      if (companyId.isPresent()) {
        ps.setObject(i++, companyId.get());
      }
      if (status.isPresent()) {
        ps.setString(i++, status.get().name());
      }
      ps.setInt(i, limit);
    });
  }

  /**
   * Work for the restore workers: requests in {@code status} last changed at or before {@code
   * changedBy}, oldest change first.
   */
  public List<RestoreRequest> inStatus(RestoreStatus status, Instant changedBy, int limit) {
    return query("SELECT " + COLUMNS + " FROM restore_requests WHERE status = ? AND updated_at"
        + " <= ? ORDER BY updated_at, id LIMIT ?", ps -> {
          ps.setString(1, status.name());
          ts(ps, 2, Optional.of(changedBy));
          ps.setInt(3, limit);
        });
  }

  /** COMPLETED requests whose restored copy is readable only until {@code asOf} or earlier. */
  public List<RestoreRequest> expiring(Instant asOf, int limit) {
    return query("SELECT " + COLUMNS + " FROM restore_requests WHERE status = 'COMPLETED' AND"
        + " restored_until <= ? ORDER BY restored_until, id LIMIT ?", ps -> {
          ts(ps, 1, Optional.of(asOf));
          ps.setInt(2, limit);
        });
  }

  // Binds status, requested_by .. failure (19 values) from index i, in COLUMNS order.
  private static void bindChangeable(PreparedStatement ps, int i, RestoreRequest r)
      throws SQLException {
    ps.setString(i++, r.status().name());
    ps.setString(i++, r.requestedBy());
    ps.setString(i++, r.requestedByEmail());
    ps.setBigDecimal(i++, r.estimatedCost().amount());
    ps.setString(i++, r.estimatedCost().currency());
    ts(ps, i++, Optional.of(r.createdAt()));
    ts(ps, i++, Optional.of(r.updatedAt()));
    text(ps, i++, r.approvedBy());
    ts(ps, i++, r.approvedAt());
    text(ps, i++, r.rejectedBy());
    ts(ps, i++, r.rejectedAt());
    text(ps, i++, r.rejectionReason());
    text(ps, i++, r.cancelledBy());
    ts(ps, i++, r.cancelledAt());
    ts(ps, i++, r.initiatedAt());
    ts(ps, i++, r.completedAt());
    ts(ps, i++, r.restoredUntil());
    ts(ps, i++, r.expiredAt());
    text(ps, i, r.failure());
  }

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private List<RestoreRequest> query(String sql, Binder binder) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      List<RestoreRequest> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("read restore requests", e);
    }
  }

  private static RestoreRequest row(ResultSet rs) throws SQLException {
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

  static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return Optional.ofNullable(t).map(OffsetDateTime::toInstant);
  }

  static void ts(PreparedStatement ps, int i, Optional<Instant> t) throws SQLException {
    if (t.isPresent()) {
      ps.setObject(i, t.get().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC));
    } else {
      ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
    }
  }

  private static void text(PreparedStatement ps, int i, Optional<String> s) throws SQLException {
    if (s.isPresent()) {
      ps.setString(i, s.get());
    } else {
      ps.setNull(i, Types.VARCHAR);
    }
  }

  private static HyrelogException failure(String what, SQLException e) {
    return new HyrelogException("cannot " + what + " (SQLState " + e.getSQLState() + ")", e);
  }
}
