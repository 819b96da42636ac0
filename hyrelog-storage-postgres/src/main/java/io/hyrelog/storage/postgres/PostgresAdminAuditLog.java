package io.hyrelog.storage.postgres;

import io.hyrelog.HyrelogException;
import io.hyrelog.storage.postgres.internal.PostgresReads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;

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

  private final DataSource dataSource;

  private PostgresAdminAuditLog(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public static PostgresAdminAuditLog create(DataSource dataSource) {
    return new PostgresAdminAuditLog(Objects.requireNonNull(dataSource, "dataSource"));
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
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement("INSERT INTO admin_audit_log (at,"
             + " actor_user_id, actor_email, actor_role, company_id, action, target, outcome,"
             + " details, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) RETURNING id")) {
      PostgresRestoreRequests.ts(ps, 1, Optional.of(e.at()));
      ps.setString(2, e.actorUserId());
      ps.setString(3, e.actorEmail());
      ps.setString(4, e.actorRole());
      if (e.companyId().isPresent()) {
        ps.setObject(5, e.companyId().get());
      } else {
        ps.setNull(5, Types.OTHER);
      }
      ps.setString(6, e.action());
      ps.setString(7, e.target().orElse(null));
      ps.setString(8, e.outcome());
      ps.setString(9, e.details());
      ps.setString(10, e.requestId().orElse(null));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException x) {
      throw new HyrelogException("cannot append to the admin audit log (SQLState "
          + x.getSQLState() + ")", x);
    }
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
        + " FROM admin_audit_log WHERE true");
    before.ifPresent(b -> sql.append(" AND id < ?"));
    companyId.ifPresent(x -> sql.append(" AND company_id = ?"));
    sql.append(" ORDER BY id DESC LIMIT ?");
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      if (before.isPresent()) {
        ps.setLong(i++, before.getAsLong());
      }
      if (companyId.isPresent()) {
        ps.setObject(i++, companyId.get());
      }
      ps.setInt(i, limit);
      List<Entry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(entry(rs));
        }
      }
      return out;
    } catch (SQLException x) {
      throw new HyrelogException("cannot read the admin audit log (SQLState " + x.getSQLState()
          + ")", x);
    }
  }

  /**
   * Every entry of one company, oldest first (in id order), streamed from a server-side cursor
   * ({@value #FETCH_SIZE} rows per round trip, so memory does not grow with the log) in a
   * read-only transaction that sees the log as it was when the read began. Entries that name
   * no company are in no company's read. The stream holds a connection until it is closed:
   * close it (try-with-resources). A read failure is thrown by the stream as a {@link
   * HyrelogException}.
   */
  public Stream<Entry> read(UUID companyId) {
    Objects.requireNonNull(companyId, "companyId");
    Connection c = null;
    try {
      c = dataSource.getConnection();
      c.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
      c.setReadOnly(true);
      PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM admin_audit_log WHERE company_id = ? ORDER BY id");
      ps.setFetchSize(FETCH_SIZE);
      ps.setObject(1, companyId);
      ResultSet rs = ps.executeQuery();
      Connection conn = c;
      return PostgresReads.rows(rs, PostgresAdminAuditLog::entry,
          e -> failure("read the admin audit log of company " + companyId, e))
          .onClose(() -> PostgresReads.rollbackAndClose(conn, "an admin audit log read"));
    } catch (SQLException e) {
      PostgresReads.rollbackAndClose(c, "an admin audit log read");
      throw failure("read the admin audit log of company " + companyId, e);
    }
  }

  private static Entry entry(ResultSet rs) throws SQLException {
    return new Entry(rs.getLong(1), PostgresRestoreRequests.instant(rs, "at").orElseThrow(),
        rs.getString(3), rs.getString(4), rs.getString(5),
        Optional.ofNullable(rs.getObject(6, UUID.class)), rs.getString(7),
        Optional.ofNullable(rs.getString(8)), rs.getString(9), rs.getString(10),
        Optional.ofNullable(rs.getString(11)));
  }

  private static HyrelogException failure(String what, SQLException e) {
    return new HyrelogException("cannot " + what + " (SQLState " + e.getSQLState() + ")", e);
  }
}
