package io.hyrelog.storage.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.DataSubject;
import io.hyrelog.Digest;
import io.hyrelog.Salt;
import io.hyrelog.personal.GdprConflictException;
import io.hyrelog.personal.GdprRequest;
import io.hyrelog.personal.GdprRequestStatus;
import io.hyrelog.personal.GdprRequestType;
import io.hyrelog.personal.Requester;
import io.hyrelog.personal.SubjectHash;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.GdprRequests;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The {@link GdprRequests} of one region's database (table {@code gdpr_requests}, migration
 * V21). Thread-safe, and safe with several processes: a change is one conditional {@code UPDATE
 * ... WHERE id = ? AND status = ? AND updated_at = ? AND result IS NOT DISTINCT FROM ?} on the
 * state the caller read, so of two writers racing for one request exactly one wins. The database
 * holds the rules too: a trigger refuses moves outside {@link GdprRequestStatus}'s table and
 * changes of a request's identity, CHECK constraints tie the columns to the status, keep dual
 * control and drop the subject's value once the request is final.
 */
public final class PostgresGdprRequests implements GdprRequests {
  // Whole numbers read back as longs, as the job's results write them.
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_LONG_FOR_INTS);
  private static final String COLUMNS = "id, company_id, workspace_id, type, subject_kind,"
      + " subject_key, subject_value, subject_salt, subject_hash, reason, requester_kind,"
      + " requester_id, status, filed_at, due_at, updated_at, decided_by_kind, decided_by_id,"
      + " decided_at, started_at, finished_at, result::text, failure";
  private final Database db;

  private PostgresGdprRequests(Database db) {
    this.db = db;
  }

  /**
   * The requests in the default schema ({@value PostgresMigrations#DEFAULT_SCHEMA}).
   *
   * @param dataSource the database, migrated by {@link PostgresMigrations}
   * @return the requests; thread-safe
   */
  public static PostgresGdprRequests create(DataSource dataSource) {
    return create(dataSource, PostgresMigrations.DEFAULT_SCHEMA);
  }

  /**
   * The requests in {@code schema} of {@code dataSource}'s database.
   *
   * @param dataSource the database, migrated by {@link PostgresMigrations}
   * @param schema the schema of HyreLog's tables
   * @return the requests; thread-safe
   * @throws io.hyrelog.HyrelogException when the schema is not migrated or not usable
   */
  public static PostgresGdprRequests create(DataSource dataSource, String schema) {
    return new PostgresGdprRequests(Database.open(dataSource, schema, "gdpr_requests"));
  }

  @Override
  public void insert(GdprRequest r) {
    GdprRequests.requireNew(r);
    int n = db.update("insert gdpr request " + r.id(), "INSERT INTO <schema>.gdpr_requests ("
        + COLUMNS.replace("result::text", "result") + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT (id) DO NOTHING",
        r.id(), r.companyId(), r.workspaceId().orElse(null), r.type().name(),
        r.subjectKind().name(), r.subjectKey().orElse(null),
        r.subject().map(DataSubject::value).orElse(null), r.subjectHash().salt().bytes(),
        r.subjectHash().hash().bytes(), r.reason(), r.requester().kind().name(),
        r.requester().id(), r.status().name(), r.filedAt(), r.dueAt(), r.updatedAt(),
        r.decidedBy().map(x -> x.kind().name()).orElse(null),
        r.decidedBy().map(Requester::id).orElse(null), r.decidedAt().orElse(null),
        r.startedAt().orElse(null), r.finishedAt().orElse(null), json(r.result()),
        r.failure().orElse(null));
    if (n == 0) {
      throw new AlreadyStoredException("gdpr request " + r.id() + " is already stored");
    }
  }

  @Override
  public GdprRequest update(GdprRequest from, GdprRequest to) {
    GdprRequests.requireMove(from, to);
    int n = db.update("update gdpr request " + to.id(), "UPDATE <schema>.gdpr_requests SET"
        + " status = ?, subject_value = ?, updated_at = ?, decided_by_kind = ?,"
        + " decided_by_id = ?, decided_at = ?, started_at = ?, finished_at = ?,"
        + " result = ?::jsonb, failure = ? WHERE id = ? AND status = ? AND updated_at = ?"
        + " AND result IS NOT DISTINCT FROM ?::jsonb",
        to.status().name(), to.subject().map(DataSubject::value).orElse(null), to.updatedAt(),
        to.decidedBy().map(x -> x.kind().name()).orElse(null),
        to.decidedBy().map(Requester::id).orElse(null), to.decidedAt().orElse(null),
        to.startedAt().orElse(null), to.finishedAt().orElse(null), json(to.result()),
        to.failure().orElse(null), to.id(), from.status().name(), from.updatedAt(),
        json(from.result()));
    if (n != 1) {
      throw new GdprConflictException(GdprConflictException.Reason.STATUS_CHANGED, to.id(),
          "gdpr request " + to.id() + " changed since it was read (it is no longer "
              + from.status() + " as read); read it again");
    }
    return find(to.id()).orElseThrow();
  }

  @Override
  public Optional<GdprRequest> find(UUID id) {
    return db.first("read gdpr request", "SELECT " + COLUMNS
        + " FROM <schema>.gdpr_requests WHERE id = ?", PostgresGdprRequests::row, id);
  }

  @Override
  public List<GdprRequest> list(UUID companyId, Optional<GdprRequestStatus> status,
      Optional<Cursor> after, int limit) {
    GdprRequests.requireLimit(limit);
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS
        + " FROM <schema>.gdpr_requests WHERE company_id = ?");
    List<Object> args = new ArrayList<>();
    args.add(companyId);
    status.ifPresent(s -> {
      sql.append(" AND status = ?");
      args.add(s.name());
    });
    after.ifPresent(c -> {
      sql.append(" AND (filed_at, id) < (?, ?)");
      args.add(c.filedAt());
      args.add(c.id());
    });
    sql.append(" ORDER BY filed_at DESC, id DESC LIMIT ?");
    args.add(limit);
    return db.list("list gdpr requests", sql.toString(), PostgresGdprRequests::row,
        args.toArray());
  }

  @Override
  public List<GdprRequest> inStatus(GdprRequestStatus status, int limit) {
    GdprRequests.requireLimit(limit);
    return db.list("read gdpr requests", "SELECT " + COLUMNS + " FROM <schema>.gdpr_requests"
        + " WHERE status = ? ORDER BY filed_at, id LIMIT ?", PostgresGdprRequests::row,
        status.name(), limit);
  }

  @Override
  public long countOverdue(Instant asOf) {
    return db.first("count overdue gdpr requests", "SELECT count(*) FROM"
        + " <schema>.gdpr_requests WHERE status IN ('PENDING_APPROVAL', 'APPROVED', 'RUNNING')"
        + " AND due_at < ?", (rs, ctx) -> rs.getLong(1), asOf).orElse(0L);
  }

  private static String json(Optional<ObjectNode> node) {
    return node.map(ObjectNode::toString).orElse(null);
  }

  private static GdprRequest row(ResultSet rs, StatementContext ctx) throws SQLException {
    DataSubject.Kind kind = DataSubject.Kind.valueOf(rs.getString("subject_kind"));
    Optional<String> key = Optional.ofNullable(rs.getString("subject_key"));
    Optional<DataSubject> subject = Optional.ofNullable(rs.getString("subject_value"))
        .map(v -> new DataSubject(kind, key.orElse(null), v));
    Optional<Requester> decided = Optional.ofNullable(rs.getString("decided_by_kind"))
        .map(Requester.Kind::valueOf).map(k -> {
          try {
            return new Requester(k, rs.getString("decided_by_id"));
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
    Optional<ObjectNode> result;
    String text = rs.getString("result");
    try {
      result = text == null ? Optional.empty() : Optional.of((ObjectNode) JSON.readTree(text));
    } catch (JsonProcessingException e) {
      throw new SQLException("gdpr request result is not JSON", e);
    }
    return new GdprRequest(rs.getObject("id", UUID.class), rs.getObject("company_id", UUID.class),
        Optional.ofNullable(rs.getObject("workspace_id", UUID.class)),
        GdprRequestType.valueOf(rs.getString("type")), kind, key, subject,
        new SubjectHash(Salt.of(rs.getBytes("subject_salt")),
            Digest.of(rs.getBytes("subject_hash"))), rs.getString("reason"),
        new Requester(Requester.Kind.valueOf(rs.getString("requester_kind")),
            rs.getString("requester_id")),
        GdprRequestStatus.valueOf(rs.getString("status")), at(rs, "filed_at").orElseThrow(),
        at(rs, "due_at").orElseThrow(), at(rs, "updated_at").orElseThrow(), decided,
        at(rs, "decided_at"), at(rs, "started_at"), at(rs, "finished_at"), result,
        Optional.ofNullable(rs.getString("failure")));
  }

  private static Optional<Instant> at(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(Database.instant(rs, rs.findColumn(column)));
  }
}
