package io.hyrelog.storage.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.ApiKey;
import io.hyrelog.ApiKeyType;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.HyrelogException;
import io.hyrelog.IpRange;
import io.hyrelog.PlanOverrides;
import io.hyrelog.PlanTier;
import io.hyrelog.Project;
import io.hyrelog.Workspace;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Tenancy data of one region's database: companies, workspaces, projects and API keys. Each
 * method is one short transaction; thread-safe. Keys are found by their HMAC only (the table
 * holds no key in clear).
 */
public final class PostgresTenants {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY_COLUMNS = "id, company_id, workspace_id, type, prefix, key_hmac,"
      + " ip_allowlist::text[], expires_at, revoked_at, rotated_from, created_at";

  private final DataSource dataSource;

  private PostgresTenants(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Tenancy data in the database behind {@code dataSource} (migrated by {@link PostgresMigrations}). */
  public static PostgresTenants create(DataSource dataSource) {
    return new PostgresTenants(Objects.requireNonNull(dataSource, "dataSource"));
  }

  private static final String INSERT_COMPANY = "INSERT INTO companies (id, name, region,"
      + " plan_tier, plan_overrides) VALUES (?, ?, ?, ?, ?::jsonb)";
  private static final String INSERT_WORKSPACE =
      "INSERT INTO workspaces (id, company_id, name) VALUES (?, ?, ?)";
  private static final String INSERT_PROJECT =
      "INSERT INTO projects (id, workspace_id, company_id, name) VALUES (?, ?, ?, ?)";

  public void createCompany(Company c) {
    update(INSERT_COMPANY, companyArgs(c));
  }

  public void createWorkspace(Workspace w) {
    update(INSERT_WORKSPACE, w.id(), w.companyId(), w.name());
  }

  public void createProject(Project p) {
    update(INSERT_PROJECT, p.id(), p.workspaceId(), p.companyId(), p.name());
  }

  /**
   * Creates a company with a workspace, a project and keys in one transaction: all of it or,
   * on any failure, none of it.
   */
  public void createTenant(Company c, Workspace w, Project p, List<ApiKey> keys) {
    try (Connection conn = dataSource.getConnection()) {
      conn.setAutoCommit(false);
      try {
        exec(conn, INSERT_COMPANY, companyArgs(c));
        exec(conn, INSERT_WORKSPACE, w.id(), w.companyId(), w.name());
        exec(conn, INSERT_PROJECT, p.id(), p.workspaceId(), p.companyId(), p.name());
        for (ApiKey k : keys) {
          insertKey(conn, k);
        }
        conn.commit();
      } catch (SQLException | RuntimeException e) {
        conn.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failure("create a tenant", e);
    }
  }

  private static Object[] companyArgs(Company c) {
    return new Object[] {c.id(), c.name(), c.region().name(), c.planTier().name(),
        overridesJson(c.planOverrides())};
  }

  public Optional<Company> company(UUID id) {
    return one("SELECT id, name, region, plan_tier, plan_overrides::text FROM companies"
        + " WHERE id = ?", PostgresTenants::company, id);
  }

  /** Every company, oldest first. */
  public List<Company> companies() {
    return list("SELECT id, name, region, plan_tier, plan_overrides::text FROM companies"
        + " ORDER BY created_at, id", PostgresTenants::company);
  }

  public Optional<Workspace> workspace(UUID id) {
    return one("SELECT id, company_id, name FROM workspaces WHERE id = ?",
        rs -> new Workspace(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
            rs.getString(3)), id);
  }

  public Optional<Project> project(UUID id) {
    return one("SELECT id, workspace_id, company_id, name FROM projects WHERE id = ?",
        rs -> new Project(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
            rs.getObject(3, UUID.class), rs.getString(4)), id);
  }

  public void createKey(ApiKey k) {
    try (Connection c = dataSource.getConnection()) {
      insertKey(c, k);
    } catch (SQLException e) {
      throw failure("create an API key", e);
    }
  }

  /** The key whose HMAC is {@code hmac}, revoked or not. */
  public Optional<ApiKey> keyByHmac(Digest hmac) {
    return one("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE key_hmac = ?",
        PostgresTenants::key, hmac.bytes());
  }

  public Optional<ApiKey> key(UUID id) {
    return one("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE id = ?", PostgresTenants::key,
        id);
  }

  /** The keys of a company, oldest first. */
  public List<ApiKey> keys(UUID companyId) {
    return list("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE company_id = ?"
        + " ORDER BY created_at, id", PostgresTenants::key, companyId);
  }

  /**
   * Replaces an active key: revokes {@code old} and stores {@code replacement} in one
   * transaction. Of two concurrent rotations of one key, exactly one succeeds.
   *
   * @return false when {@code old} was already revoked (nothing changed)
   */
  public boolean rotate(UUID old, ApiKey replacement) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        int n;
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
          ps.setTimestamp(1, Timestamp.from(replacement.createdAt()));
          ps.setObject(2, old);
          n = ps.executeUpdate();
        }
        if (n == 0) {
          c.rollback();
          return false;
        }
        insertKey(c, replacement);
        c.commit();
        return true;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failure("rotate an API key", e);
    }
  }

  /** Whether the database answers a trivial query within 5 seconds. */
  public boolean ping() {
    try (Connection c = dataSource.getConnection();
        java.sql.Statement st = c.createStatement()) {
      st.setQueryTimeout(5);
      st.execute("SELECT 1");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /** Records that a key was used (callers throttle this; it is not part of any decision). */
  public void touch(UUID keyId, java.time.Instant when) {
    update("UPDATE api_keys SET last_used_at = ? WHERE id = ?"
        + " AND (last_used_at IS NULL OR last_used_at < ?)", Timestamp.from(when), keyId,
        Timestamp.from(when));
  }

  private static void insertKey(Connection c, ApiKey k) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (id, company_id,"
        + " workspace_id, type, prefix, key_hmac, ip_allowlist, expires_at, revoked_at,"
        + " rotated_from, created_at) VALUES (?, ?, ?, ?, ?, ?, ?::cidr[], ?, ?, ?, ?)")) {
      ps.setObject(1, k.id());
      ps.setObject(2, k.companyId());
      ps.setObject(3, k.workspaceId());
      ps.setString(4, k.type().name());
      ps.setString(5, k.prefix());
      ps.setBytes(6, k.hmac().bytes());
      Array cidrs = c.createArrayOf("text",
          k.ipAllowlist().stream().map(IpRange::toString).toArray());
      ps.setArray(7, cidrs);
      ps.setTimestamp(8, k.expiresAt() == null ? null : Timestamp.from(k.expiresAt()));
      ps.setTimestamp(9, k.revokedAt() == null ? null : Timestamp.from(k.revokedAt()));
      ps.setObject(10, k.rotatedFrom());
      ps.setTimestamp(11, Timestamp.from(k.createdAt()));
      ps.executeUpdate();
    }
  }

  private static Company company(ResultSet rs) throws SQLException {
    PlanOverrides o;
    try {
      o = overrides(JSON.readTree(rs.getString(5)));
    } catch (JsonProcessingException | RuntimeException e) {
      throw new HyrelogException("company " + rs.getString(1) + " has unreadable plan overrides",
          e);
    }
    return new Company(rs.getObject(1, UUID.class), rs.getString(2),
        DataRegion.valueOf(rs.getString(3)), PlanTier.valueOf(rs.getString(4)), o);
  }

  // Absent: the tier's value; null: explicitly none; a value: the override.
  static String overridesJson(PlanOverrides o) {
    ObjectNode n = JSON.createObjectNode();
    if (o.hotRetentionDays() != null) {
      n.put("hotRetentionDays", o.hotRetentionDays());
    }
    optional(n, "archiveRetentionDays", o.archiveRetentionDays());
    optional(n, "coldArchiveAfterDays", o.coldArchiveAfterDays());
    if (o.maxExportRows() != null) {
      if (o.maxExportRows().isPresent()) {
        n.put("maxExportRows", o.maxExportRows().getAsLong());
      } else {
        n.putNull("maxExportRows");
      }
    }
    if (o.webhooksEnabled() != null) {
      n.put("webhooksEnabled", o.webhooksEnabled());
    }
    if (o.maxWebhooks() != null) {
      n.put("maxWebhooks", o.maxWebhooks());
    }
    if (o.streamingExportsEnabled() != null) {
      n.put("streamingExportsEnabled", o.streamingExportsEnabled());
    }
    if (o.customCategoriesEnabled() != null) {
      n.put("customCategoriesEnabled", o.customCategoriesEnabled());
    }
    return n.toString();
  }

  private static void optional(ObjectNode n, String name, OptionalInt v) {
    if (v != null) {
      if (v.isPresent()) {
        n.put(name, v.getAsInt());
      } else {
        n.putNull(name);
      }
    }
  }

  static PlanOverrides overrides(JsonNode n) {
    return new PlanOverrides(
        n.has("hotRetentionDays") ? n.get("hotRetentionDays").intValue() : null,
        optionalInt(n, "archiveRetentionDays"), optionalInt(n, "coldArchiveAfterDays"),
        !n.has("maxExportRows") ? null : n.get("maxExportRows").isNull() ? OptionalLong.empty()
            : OptionalLong.of(n.get("maxExportRows").longValue()),
        n.has("webhooksEnabled") ? n.get("webhooksEnabled").booleanValue() : null,
        n.has("maxWebhooks") ? n.get("maxWebhooks").intValue() : null,
        n.has("streamingExportsEnabled") ? n.get("streamingExportsEnabled").booleanValue() : null,
        n.has("customCategoriesEnabled") ? n.get("customCategoriesEnabled").booleanValue()
            : null);
  }

  private static OptionalInt optionalInt(JsonNode n, String name) {
    if (!n.has(name)) {
      return null;
    }
    return n.get(name).isNull() ? OptionalInt.empty() : OptionalInt.of(n.get(name).intValue());
  }

  private static ApiKey key(ResultSet rs) throws SQLException {
    List<IpRange> allow = new ArrayList<>();
    for (String s : (String[]) rs.getArray(7).getArray()) {
      allow.add(IpRange.parse(s));
    }
    Timestamp exp = rs.getTimestamp(8);
    Timestamp rev = rs.getTimestamp(9);
    return new ApiKey(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
        rs.getObject(3, UUID.class), ApiKeyType.valueOf(rs.getString(4)), rs.getString(5),
        Digest.of(rs.getBytes(6)), allow, exp == null ? null : exp.toInstant(),
        rev == null ? null : rev.toInstant(), rs.getObject(10, UUID.class),
        rs.getTimestamp(11).toInstant());
  }

  private interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private <T> Optional<T> one(String sql, Row<T> row, Object... args) {
    List<T> l = list(sql, row, args);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  private <T> List<T> list(String sql, Row<T> row, Object... args) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row.map(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("read tenancy data", e);
    }
  }

  private void update(String sql, Object... args) {
    try (Connection c = dataSource.getConnection()) {
      exec(c, sql, args);
    } catch (SQLException e) {
      throw failure("write tenancy data", e);
    }
  }

  private static void exec(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      ps.executeUpdate();
    }
  }

  private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }

  private static HyrelogException failure(String what, SQLException e) {
    // Only the SQLState: driver messages can quote parameter values.
    return new HyrelogException("cannot " + what + " (SQLState " + e.getSQLState() + ")",
        new SQLException("SQLState " + e.getSQLState(), e.getSQLState()));
  }
}
