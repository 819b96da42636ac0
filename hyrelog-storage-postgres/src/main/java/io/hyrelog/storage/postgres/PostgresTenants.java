package io.hyrelog.storage.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyrelog.ApiKey;
import io.hyrelog.ApiKeyType;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.HyrelogException;
import io.hyrelog.IpRange;
import io.hyrelog.Plan;
import io.hyrelog.PlanOverrides;
import io.hyrelog.PlanTier;
import io.hyrelog.Project;
import io.hyrelog.Workspace;
import io.hyrelog.spi.TenantDirectory;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The {@link TenantDirectory} of one region's database: companies, workspaces, projects and API
 * keys. Each method is one short transaction; thread-safe. Keys are found by their HMAC only
 * (the table holds no key in clear); ids and HMACs are unique keys and references are foreign
 * keys, so the database itself refuses duplicates and dangling references. Database failures
 * are {@link PostgresStorageException}s.
 */
public final class PostgresTenants implements TenantDirectory {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY_COLUMNS = "id, company_id, workspace_id, type, prefix, key_hmac,"
      + " ip_allowlist::text[], expires_at, revoked_at, rotated_from, created_at";

  private final Database db;

  private PostgresTenants(Database db) {
    this.db = db;
  }

  /**
   * Tenancy data in the default schema ({@value PostgresMigrations#DEFAULT_SCHEMA}).
   *
   * @param dataSource the database, migrated by {@link PostgresMigrations}
   * @return the tenancy store; thread-safe
   */
  public static PostgresTenants create(DataSource dataSource) {
    return create(dataSource, PostgresMigrations.DEFAULT_SCHEMA);
  }

  /**
   * Tenancy data in {@code schema} of {@code dataSource}'s database (migrated by {@link
   * PostgresMigrations}).
   *
   * @param dataSource the database
   * @param schema the schema of HyreLog's tables
   * @return the tenancy store; thread-safe
   * @throws IllegalArgumentException when {@code schema} is not a lowercase SQL identifier
   * @throws io.hyrelog.HyrelogException when the schema does not exist, is not migrated, or
   *     the connecting role may not use it
   */
  public static PostgresTenants create(DataSource dataSource, String schema) {
    return new PostgresTenants(Database.open(dataSource, schema, "companies", "workspaces",
        "projects", "api_keys"));
  }

  private static final String INSERT_COMPANY = "INSERT INTO <schema>.companies (id, name,"
      + " region, plan_tier, plan_overrides) VALUES (?, ?, ?, ?, ?::jsonb)";
  private static final String INSERT_WORKSPACE =
      "INSERT INTO <schema>.workspaces (id, company_id, name) VALUES (?, ?, ?)";
  private static final String INSERT_PROJECT =
      "INSERT INTO <schema>.projects (id, workspace_id, company_id, name) VALUES (?, ?, ?, ?)";

  @Override
  public void createCompany(Company c) {
    Database.refusingDuplicates("company " + c.id(),
        () -> update(INSERT_COMPANY, companyArgs(c)));
  }

  @Override
  public void createWorkspace(Workspace w) {
    Database.refusingDuplicates("workspace " + w.id(),
        () -> update(INSERT_WORKSPACE, w.id(), w.companyId(), w.name()));
  }

  @Override
  public void createProject(Project p) {
    Database.refusingDuplicates("project " + p.id(),
        () -> update(INSERT_PROJECT, p.id(), p.workspaceId(), p.companyId(), p.name()));
  }

  @Override
  public void createTenant(Company c, Workspace w, Project p, List<ApiKey> keys) {
    Database.refusingDuplicates("an id or key HMAC of the tenant of company " + c.id(),
        () -> db.inTransaction("create a tenant", h -> {
          exec(h, INSERT_COMPANY, companyArgs(c));
          exec(h, INSERT_WORKSPACE, w.id(), w.companyId(), w.name());
          exec(h, INSERT_PROJECT, p.id(), p.workspaceId(), p.companyId(), p.name());
          for (ApiKey k : keys) {
            insertKey(h, k);
          }
          return null;
        }));
  }

  private static Object[] companyArgs(Company c) {
    return new Object[] {c.id(), c.name(), c.region().name(), c.planTier().name(),
        overridesJson(c.planOverrides())};
  }

  @Override
  public Optional<Company> company(UUID id) {
    return one("SELECT id, name, region, plan_tier, plan_overrides::text"
        + " FROM <schema>.companies WHERE id = ?", PostgresTenants::company, id);
  }

  @Override
  public List<Company> companies() {
    return list("SELECT id, name, region, plan_tier, plan_overrides::text"
        + " FROM <schema>.companies ORDER BY created_at, id", PostgresTenants::company);
  }

  /** {@inheritDoc} The primary key's order (uuid order is the canonical text's). */
  @Override
  public List<Company> companies(Optional<PlanTier> tier, Optional<UUID> after, int limit) {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be 1..1000, got " + limit);
    }
    List<Object> args = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT id, name, region, plan_tier,"
        + " plan_overrides::text FROM <schema>.companies WHERE true");
    tier.ifPresent(t -> {
      sql.append(" AND plan_tier = ?");
      args.add(t.name());
    });
    after.ifPresent(a -> {
      sql.append(" AND id > ?");
      args.add(a);
    });
    sql.append(" ORDER BY id LIMIT ?");
    args.add(limit);
    return list(sql.toString(), PostgresTenants::company, args.toArray());
  }

  /** {@inheritDoc} Read from the {@code plans} table each time (four rows). */
  @Override
  public List<Plan> plans() {
    List<Plan> all = list("SELECT tier, hot_retention_days, archive_retention_days,"
        + " cold_archive_after_days, max_export_rows, webhooks_enabled, max_webhooks,"
        + " streaming_exports_enabled, custom_categories_enabled FROM <schema>.plans",
        PostgresTenants::plan);
    return all.stream().sorted(java.util.Comparator.comparing(Plan::tier)).toList();
  }

  /** {@inheritDoc} One conditional {@code UPDATE ... RETURNING}. */
  @Override
  public Optional<Company> assignPlan(UUID companyId, PlanTier tier) {
    return db.first("assign a plan", "UPDATE <schema>.companies SET plan_tier = ? WHERE id = ?"
        + " RETURNING id, name, region, plan_tier, plan_overrides::text",
        PostgresTenants::company, tier.name(), companyId);
  }

  private static Plan plan(ResultSet rs, StatementContext ctx) throws SQLException {
    try {
      return new Plan(PlanTier.valueOf(rs.getString(1)), rs.getInt(2), optionalInt(rs, 3),
          optionalInt(rs, 4), rs.getObject(5) == null ? OptionalLong.empty()
              : OptionalLong.of(rs.getLong(5)), rs.getBoolean(6), rs.getInt(7),
          rs.getBoolean(8), rs.getBoolean(9));
    } catch (IllegalArgumentException e) {
      throw new HyrelogException("plan " + rs.getString(1) + " of the plans table is not"
          + " valid: " + e.getMessage(), e);
    }
  }

  private static OptionalInt optionalInt(ResultSet rs, int column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(v);
  }

  @Override
  public Optional<Workspace> workspace(UUID id) {
    return one("SELECT id, company_id, name FROM <schema>.workspaces WHERE id = ?",
        (rs, ctx) -> new Workspace(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
            rs.getString(3)), id);
  }

  @Override
  public Optional<Project> project(UUID id) {
    return one("SELECT id, workspace_id, company_id, name FROM <schema>.projects"
        + " WHERE id = ?",
        (rs, ctx) -> new Project(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
            rs.getObject(3, UUID.class), rs.getString(4)), id);
  }

  @Override
  public void createKey(ApiKey k) {
    Database.refusingDuplicates("API key " + k.id() + " (or its HMAC)",
        () -> db.withHandle("create an API key", h -> {
          insertKey(h, k);
          return null;
        }));
  }

  @Override
  public Optional<ApiKey> keyByHmac(Digest hmac) {
    return one("SELECT " + KEY_COLUMNS + " FROM <schema>.api_keys WHERE key_hmac = ?",
        PostgresTenants::key, hmac.bytes());
  }

  @Override
  public Optional<ApiKey> key(UUID id) {
    return one("SELECT " + KEY_COLUMNS + " FROM <schema>.api_keys WHERE id = ?",
        PostgresTenants::key, id);
  }

  @Override
  public List<ApiKey> keys(UUID companyId) {
    return list("SELECT " + KEY_COLUMNS + " FROM <schema>.api_keys WHERE company_id = ?"
        + " ORDER BY created_at, id", PostgresTenants::key, companyId);
  }

  /**
   * {@inheritDoc} One transaction: a conditional {@code UPDATE ... WHERE revoked_at IS NULL}
   * (the row lock makes concurrent rotations wait, then find the key revoked) and the insert.
   */
  @Override
  public boolean rotate(UUID old, ApiKey replacement) {
    return Database.refusingDuplicates("API key " + replacement.id() + " (or its HMAC)",
        () -> db.inTransaction("rotate an API key", h -> {
          int n = h.createUpdate("UPDATE <schema>.api_keys SET revoked_at = ? WHERE id = ?"
              + " AND revoked_at IS NULL").bind(0, replacement.createdAt()).bind(1, old)
              .execute();
          if (n == 0) {
            return false;
          }
          insertKey(h, replacement);
          return true;
        }));
  }

  /**
   * {@inheritDoc} One conditional {@code UPDATE ... WHERE revoked_at IS NULL}: the row lock
   * makes a concurrent revocation or rotation wait, then find the key revoked.
   */
  @Override
  public boolean revoke(UUID keyId, java.time.Instant when) {
    return update("UPDATE <schema>.api_keys SET revoked_at = ? WHERE id = ?"
        + " AND revoked_at IS NULL", when, keyId) == 1;
  }

  /** {@inheritDoc} A trivial query with a 5-second timeout. */
  @Override
  public boolean ping() {
    try {
      return db.withHandle("ping the database", h -> h.createQuery("SELECT 1")
          .setQueryTimeout(5).mapTo(Integer.class).one() == 1);
    } catch (PostgresStorageException e) {
      return false;
    }
  }

  /** {@inheritDoc} Kept in {@code api_keys.last_used_at}. */
  @Override
  public void touch(UUID keyId, java.time.Instant when) {
    update("UPDATE <schema>.api_keys SET last_used_at = ? WHERE id = ?"
        + " AND (last_used_at IS NULL OR last_used_at < ?)", when, keyId, when);
  }

  private static void insertKey(Handle h, ApiKey k) {
    h.createUpdate("INSERT INTO <schema>.api_keys (id, company_id, workspace_id, type, prefix,"
            + " key_hmac, ip_allowlist, expires_at, revoked_at, rotated_from, created_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?::cidr[], ?, ?, ?, ?)")
        .bind(0, k.id()).bind(1, k.companyId()).bind(2, (Object) k.workspaceId())
        .bind(3, k.type().name()).bind(4, k.prefix()).bind(5, k.hmac().bytes())
        .bind(6, Database.array("text", k.ipAllowlist().stream().map(IpRange::toString)
            .toList()))
        .bind(7, (Object) k.expiresAt()).bind(8, (Object) k.revokedAt())
        .bind(9, (Object) k.rotatedFrom()).bind(10, k.createdAt())
        .execute();
  }

  private static Company company(ResultSet rs, StatementContext ctx) throws SQLException {
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
    return JSON.valueToTree(o.values()).toString();
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

  private static ApiKey key(ResultSet rs, StatementContext ctx) throws SQLException {
    List<IpRange> allow = new ArrayList<>();
    for (String s : (String[]) rs.getArray(7).getArray()) {
      allow.add(IpRange.parse(s));
    }
    return new ApiKey(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
        rs.getObject(3, UUID.class), ApiKeyType.valueOf(rs.getString(4)), rs.getString(5),
        Digest.of(rs.getBytes(6)), allow, Database.instant(rs, 8), Database.instant(rs, 9),
        rs.getObject(10, UUID.class), Database.instant(rs, 11));
  }

  private <T> Optional<T> one(String sql, RowMapper<T> row, Object... args) {
    return db.first("read tenancy data", sql, row, args);
  }

  private <T> List<T> list(String sql, RowMapper<T> row, Object... args) {
    return db.list("read tenancy data", sql, row, args);
  }

  private int update(String sql, Object... args) {
    return db.update("write tenancy data", sql, args);
  }

  private static int exec(Handle h, String sql, Object... args) {
    return Database.bind(h.createUpdate(sql), args).execute();
  }
}
