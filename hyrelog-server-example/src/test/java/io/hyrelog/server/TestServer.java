package io.hyrelog.server;

import io.hyrelog.DataRegion;
import io.hyrelog.server.internal.KeyHasher;
import io.hyrelog.server.internal.Secrets;
import io.hyrelog.server.internal.compliance.EvidenceKeys;
import io.hyrelog.server.internal.signing.ServerSigning;
import io.hyrelog.storage.postgres.PostgresFixture;
import io.hyrelog.storage.postgres.PostgresTenants;
import org.postgresql.ds.PGSimpleDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * A real server for tests, started in this JVM on a free port with the demo tenant created.
 *
 * <p>{@link #start()} runs it on a fresh copy of the migrated database of the shared
 * {@link PostgresFixture} (one PostgreSQL per test JVM), as an external database
 * ({@code HYRELOG_DATABASE_URL}) that the server uses as the application role, like the embedded
 * mode does. What embedded mode would generate into the data directory (the secrets, the signing
 * key, the evidence master key, the demo credentials) is generated there too, by the server's
 * own code, and passed to the server as its settings; a setting the test gives wins.
 *
 * <p>{@link #startEmbedded} runs the embedded mode itself (a PostgreSQL of its own under the data
 * directory: {@code initdb} and a start per server), for tests of that mode and tests that stop,
 * freeze or restart the database process; those are tagged {@code process}.
 *
 * <p>Close it to stop the server (and its own database) and delete the data directory.
 */
public final class TestServer implements AutoCloseable {
  private final HyrelogServer server;
  private final Path dataDir;
  private final String console;
  private final PostgresFixture.Database database; // null: embedded mode
  private final DemoCredentials demo;

  private TestHttp http;

  private TestServer(HyrelogServer server, Path dataDir, String console,
      PostgresFixture.Database database, DemoCredentials demo) {
    this.server = server;
    this.dataDir = dataDir;
    this.console = console;
    this.database = database;
    this.demo = demo;
  }

  /** A server on the system clock with default settings, on a copy of the shared database. */
  public static TestServer start() {
    return start(Map.of(), Clock.systemUTC());
  }

  /**
   * A server with extra environment settings (e.g. low rate limits) on {@code clock}, on a copy
   * of the shared database.
   */
  public static TestServer start(Map<String, String> env, Clock clock) {
    PostgresFixture.Database db = PostgresFixture.newDatabase();
    try {
      return start(newDataDir(), env, clock, db);
    } catch (RuntimeException | Error e) {
      db.close();
      throw e;
    }
  }

  /** A server in embedded mode (its own PostgreSQL under its data directory). */
  public static TestServer startEmbedded() {
    return startEmbedded(Map.of(), Clock.systemUTC());
  }

  /** A server in embedded mode with extra environment settings on {@code clock}. */
  public static TestServer startEmbedded(Map<String, String> env, Clock clock) {
    return start(newDataDir(), env, clock, null);
  }

  /**
   * Stops this server, keeping its data directory (archive, generated secrets and key) and its
   * database, and starts another on them with {@code env} (e.g. a rotated signing key). Close
   * the returned server, not this one.
   */
  public TestServer restart(Map<String, String> env, Clock clock) {
    server.close();
    return start(dataDir, env, clock, database);
  }

  private static Path newDataDir() {
    try {
      return Files.createTempDirectory("hyrelog-server-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static TestServer start(Path dir, Map<String, String> env, Clock clock,
      PostgresFixture.Database db) {
    Map<String, String> e = new HashMap<>(env);
    e.put("HYRELOG_DATA_DIR", dir.toString());
    e.putIfAbsent("PORT", "0");
    e.putIfAbsent("HYRELOG_HOST", "127.0.0.1");
    if (db != null) {
      generateAsEmbedded(dir, e);
      e.putIfAbsent("HYRELOG_DATABASE_URL", db.appUrlWithCredentials());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HyrelogServer s = HyrelogServer.start(ServerConfig.fromEnv(e), clock,
        new PrintStream(out, true, StandardCharsets.UTF_8));
    if (db == null) {
      return new TestServer(s, dir, out.toString(StandardCharsets.UTF_8), null,
          s.demo().orElse(null));
    }
    try {
      return new TestServer(s, dir, out.toString(StandardCharsets.UTF_8), db,
          demoTenant(s, dir, db, e.get("HYRELOG_API_KEY_SECRET"), clock));
    } catch (RuntimeException | Error failure) {
      s.close();
      throw failure;
    }
  }

  /**
   * What embedded mode generates into the data directory, generated by the same code (an
   * embedded-mode configuration of {@code env}), then set in {@code env} for an external
   * database: the secrets, the evidence master key and, unless a key file is given, the signing
   * key.
   */
  private static void generateAsEmbedded(Path dir, Map<String, String> env) {
    ServerConfig embedded = ServerConfig.fromEnv(env);
    Secrets secrets = Secrets.loadOrCreate(dir);
    env.putIfAbsent("HYRELOG_API_KEY_SECRET", secrets.apiKeySecret());
    env.putIfAbsent("HYRELOG_INTERNAL_TOKEN", secrets.internalToken());
    secrets.dashboardToken().ifPresent(t -> env.putIfAbsent("HYRELOG_DASHBOARD_TOKEN", t));
    secrets.webhookKey().ifPresent(k -> env.putIfAbsent(
        "HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY", k));
    secrets.subjectKey().ifPresent(k -> env.putIfAbsent(
        "HYRELOG_SUBJECT_KEY_ENCRYPTION_KEY", k));
    Optional<Path> embeddedDir = Optional.of(embedded.dataDir());
    ServerSigning signing = ServerSigning.load(embedded.signing(), embeddedDir);
    if (!env.containsKey("HYRELOG_SIGNING_KEY_FILE")) {
      env.put("HYRELOG_SIGNING_KEY_FILE",
          dir.resolve(ServerSigning.EMBEDDED_KEY_FILE).toString());
    }
    EvidenceKeys.load(embedded.evidence(), embeddedDir, signing);
    env.putIfAbsent("HYRELOG_EVIDENCE_MASTER_KEY", secret(dir, "evidenceMasterKey"));
  }

  /** The demo tenant of a server on a copied database: created once, then read back. */
  private static DemoCredentials demoTenant(HyrelogServer s, Path dir,
      PostgresFixture.Database db, String apiKeySecret, Clock clock) {
    Path file = dir.resolve(DemoSeed.CREDENTIALS_FILE);
    try {
      if (Files.exists(file)) {
        return DemoCredentials.read(file);
      }
      DemoCredentials c = DemoSeed.create(PostgresTenants.create(db.app()),
          s.config().databaseUrls().keySet().iterator().next(), s.config().seedPlanTier(),
          new KeyHasher(apiKeySecret),
          clock, s.baseUrl().toString());
      DemoSeed.write(dir, c);
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public HyrelogServer server() {
    return server;
  }

  public DemoCredentials demo() {
    if (demo == null) {
      throw new IllegalStateException("the server has no demo tenant");
    }
    return demo;
  }

  /** The client of this server (one per server, so connections never outlive it). */
  public synchronized TestHttp http() {
    if (http == null) {
      http = new TestHttp(server.baseUrl());
    }
    return http;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** What the server printed at start (the demo banner). */
  public String console() {
    return console;
  }

  /** The operator token of {@code /internal/*} (generated into the data directory). */
  public String internalToken() {
    return secret(dataDir, "internalToken");
  }

  /** The dashboard's service token of {@code /dashboard/*} (generated into the data directory). */
  public String dashboardToken() {
    return secret(dataDir, "dashboardToken");
  }

  /**
   * The headers of a dashboard user with {@code role} ({@code HYRELOG_ADMIN} for staff), for
   * {@code company} when not null, with a JSON content type.
   */
  public String[] dashboardUser(java.util.UUID company, String role) {
    List<String> h = new java.util.ArrayList<>(List.of("x-dashboard-token", dashboardToken(),
        "x-user-id", role.equals("HYRELOG_ADMIN") ? "admin-7" : "user-42", "x-user-email",
        "someone@example.com", "x-user-role", role, "Content-Type", "application/json"));
    if (company != null) {
      h.addAll(List.of("x-company-id", company.toString()));
    }
    return h.toArray(String[]::new);
  }

  /**
   * The admin audit log's entry of the dashboard request that answered {@code r} (by its
   * request id, among the newest 200 entries).
   */
  public com.fasterxml.jackson.databind.JsonNode auditEntry(TestHttp.Response r) {
    String requestId = r.header("X-Request-Id");
    TestHttp.Response log = http().get("/dashboard/admin/audit-logs?limit=200",
        dashboardUser(null, "HYRELOG_ADMIN"));
    if (log.status() != 200) {
      throw new AssertionError("the audit log answered " + log.status() + ": " + log.text());
    }
    for (com.fasterxml.jackson.databind.JsonNode e : log.json().path("data")) {
      if (e.path("requestId").asText().equals(requestId)) {
        return e;
      }
    }
    throw new AssertionError("no audit entry for request " + requestId);
  }

  /** A generated secret of {@code secrets.json} in {@code dir}. */
  private static String secret(Path dir, String name) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(dir.resolve("secrets.json").toFile()).path(name).asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JDBC URL, with credentials, of the server's database as its owner (for test setup). */
  public String ownerJdbcUrl() {
    if (database != null) {
      return database.ownerUrl();
    }
    try {
      List<String> pid = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"));
      return "jdbc:postgresql://localhost:" + pid.get(3).strip() + "/hyrelog?user=postgres";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Unpooled connections to the server's database as its owner (for test setup). */
  public DataSource owner() {
    PGSimpleDataSource owner = new PGSimpleDataSource();
    owner.setURL(ownerJdbcUrl());
    return owner;
  }

  /**
   * A second tenant like the demo one (a GROWTH company, a workspace, a project, a company key
   * allowed from localhost and a workspace key), written to the server's database.
   */
  public DemoCredentials newTenant() {
    return newTenant(io.hyrelog.PlanTier.GROWTH);
  }

  /** A second tenant like {@link #newTenant()} on plan {@code tier}. */
  public DemoCredentials newTenant(io.hyrelog.PlanTier tier) {
    return DemoSeed.create(PostgresTenants.create(owner()), DataRegion.US, tier,
        new KeyHasher(secret(dataDir, "apiKeySecret")), Clock.systemUTC(),
        server.baseUrl().toString());
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      if (database != null) {
        database.close();
      }
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temporary directory
      }
    }
  }
}
