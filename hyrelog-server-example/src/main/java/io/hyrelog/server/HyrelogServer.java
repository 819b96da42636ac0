package io.hyrelog.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.HyrelogException;
import io.hyrelog.server.internal.Authenticator;
import io.hyrelog.server.internal.ChainRoutes;
import io.hyrelog.server.internal.ClientIp;
import io.hyrelog.server.internal.DemoSeed;
import io.hyrelog.server.internal.EmbeddedDatabase;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.EventRoutes;
import io.hyrelog.server.internal.JettyErrors;
import io.hyrelog.server.internal.KeyHasher;
import io.hyrelog.server.internal.KeyRoutes;
import io.hyrelog.server.internal.Logging;
import io.hyrelog.server.internal.Admission;
import io.hyrelog.server.internal.CompanyLimits;
import io.hyrelog.server.internal.HealthProbe;
import io.hyrelog.server.internal.Metrics;
import io.hyrelog.server.internal.TransferLimits;
import io.hyrelog.server.internal.VerifiedChains;
import io.hyrelog.server.internal.PagedEventStore;
import io.hyrelog.server.internal.Problems;
import io.hyrelog.server.internal.RateLimits;
import io.hyrelog.server.internal.RequestPipeline;
import io.hyrelog.server.internal.Secrets;
import io.hyrelog.server.internal.Services;
import io.hyrelog.server.internal.SystemRoutes;
import io.hyrelog.server.internal.Tenancy;
import io.hyrelog.archive.Archival;
import io.hyrelog.archive.s3.S3ArchiveStore;
import io.hyrelog.spi.AdminAuditLog;
import io.hyrelog.spi.ExportJobs;
import io.hyrelog.spi.RestoreRequests;
import io.hyrelog.spi.SnapshotCatalog;
import io.hyrelog.spi.TenantDirectory;
import io.hyrelog.storage.postgres.PostgresArchiveCatalog;
import io.hyrelog.server.internal.complianceexport.ComplianceExportJob;
import io.hyrelog.server.internal.jobs.ChainsVerifyJob;
import io.hyrelog.server.internal.jobs.JobRoutes;
import io.hyrelog.server.internal.jobs.JobSettings;
import io.hyrelog.server.internal.jobs.Jobs;
import io.hyrelog.server.internal.jobs.ServerJob;
import io.hyrelog.server.internal.lifecycle.ArchivedSegments;
import io.hyrelog.server.internal.lifecycle.LifecycleJobs;
import io.hyrelog.server.internal.lifecycle.RestoreJobs;
import io.hyrelog.archive.RestoreWorkflow;
import io.hyrelog.server.internal.dashboard.Dashboard;
import io.hyrelog.server.internal.dashboard.DashboardRoutes;
import io.hyrelog.lifecycle.RestorePolicy;
import io.hyrelog.storage.postgres.PostgresAdminAuditLog;
import io.hyrelog.storage.postgres.PostgresRestoreRequests;
import io.hyrelog.server.internal.compliance.Evidence;
import io.hyrelog.server.internal.compliance.EvidenceJob;
import io.hyrelog.server.internal.compliance.EvidenceRoutes;
import io.hyrelog.server.internal.signing.ServerSigning;
import io.hyrelog.server.internal.signing.SigningRoutes;
import io.hyrelog.server.internal.snapshots.SnapshotJob;
import io.hyrelog.server.internal.exports.ExportRoutes;
import io.hyrelog.server.internal.exports.Exports;
import io.hyrelog.storage.postgres.PostgresExports;
import io.hyrelog.storage.postgres.PostgresMigrations;
import io.hyrelog.storage.postgres.PostgresProvisioning;
import io.hyrelog.storage.postgres.PostgresRegions;
import io.hyrelog.storage.postgres.PostgresSnapshots;
import io.hyrelog.storage.postgres.PostgresTenants;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HyreLog example server and its composition root: plain code wires configuration,
 * databases, stores, authentication, rate limits and routes (no container, no scanning).
 *
 * <p>{@code java -jar hyrelog-server.jar} serves; {@code java -jar hyrelog-server.jar seed}
 * creates the demo tenant in the configured database and exits.
 */
public final class HyrelogServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HyrelogServer.class);
  private static final Duration DRAIN = Duration.ofSeconds(30);
  /** Events a request handler reads per database round trip of a chain. */
  private static final int READ_PAGE = 128;
  /** How long a shutdown hook waits for a start in progress before giving up on it. */
  private static final Duration STARTUP_WAIT = Duration.ofMinutes(3);

  private final List<AutoCloseable> resources;
  private final Javalin app;
  private final DemoCredentials demo;
  private final AtomicInteger inFlight;
  private final AtomicBoolean closing;
  private final ServerConfig config;

  private HyrelogServer(List<AutoCloseable> resources, Javalin app, DemoCredentials demo,
      AtomicInteger inFlight, AtomicBoolean closing, ServerConfig config) {
    this.resources = resources;
    this.app = app;
    this.demo = demo;
    this.inFlight = inFlight;
    this.closing = closing;
    this.config = config;
  }

  /** What {@code --help} prints (and an unknown argument, to stderr). */
  static final String USAGE = """
      usage: java -jar hyrelog-server.jar [seed | --help]
        (no argument)  serve the HyreLog API (HTTP, port $PORT, default 3000)
        seed           create the demo tenant in the configured database, print its keys
                       and write demo-credentials.json, then exit
        -h, --help     print this help and exit

      Configuration comes from environment variables; with none set the server runs on an
      embedded PostgreSQL under ./hyrelog-data (for development and evaluation). The main ones:
        PORT                       HTTP port (default 3000; 0 picks a free one)
        HYRELOG_DATA_DIR           data directory (default ./hyrelog-data)
        HYRELOG_DATABASE_URL       an external PostgreSQL (postgres://user:pass@host:5432/db)
        HYRELOG_API_KEY_SECRET     HMAC secret of API keys (required with an external database)
        HYRELOG_INTERNAL_TOKEN     token of /internal/* (required with an external database)
        HYRELOG_ARCHIVE_S3_BUCKET  archive to S3 instead of $HYRELOG_DATA_DIR/archive
        HYRELOG_LOG_FORMAT         text or json
      Secrets may come from files: HYRELOG_API_KEY_SECRET_FILE=/run/secrets/api-key-secret
      (likewise for every secret variable). An unknown HYRELOG_* variable refuses the start.

      Every variable: docs/configuration.md; operations (containers, upgrades):
      docs/operations.md; the API: GET /openapi.json on the running server.
      """;

  public static void main(String[] args) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.print(USAGE);
      return;
    }
    if (args.length > 1 || (args.length == 1 && !args[0].equals("seed"))) {
      // The first argument that is not the command; "seed seed": the second one.
      String bad = List.of(args).stream().filter(a -> !a.equals("seed")).findFirst()
          .orElse(args[args.length - 1]);
      System.err.print("hyrelog-server: unknown argument '"
          + bad.substring(0, Math.min(bad.length(), 100)) + "'\n" + USAGE);
      System.exit(2);
    }
    try {
      Map<String, String> env = ServerEnvironment.resolve(System.getenv());
      Logging.configure(env);
      ServerConfig config = ServerConfig.fromEnv(env);
      if (args.length == 1) {
        seed(config, System.out);
        return;
      }
      // Registered before the start: a SIGTERM or Ctrl+C while it runs (initdb, migrations)
      // must not end the JVM with the embedded PostgreSQL still running. The hook lets the
      // start finish (it is bounded by its own timeouts), then shuts down as usual.
      CompletableFuture<HyrelogServer> started = new CompletableFuture<>();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.get(STARTUP_WAIT.toSeconds(), TimeUnit.SECONDS).close();
        } catch (ExecutionException | TimeoutException e) {
          // did not start (it closed what it had opened) or is stuck: nothing to close here
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "hyrelog-shutdown"));
      try {
        started.complete(start(config, Clock.systemUTC(), System.out));
      } catch (RuntimeException | Error e) {
        started.completeExceptionally(e);
        throw e;
      }
    } catch (HyrelogException e) {
      System.err.println("hyrelog-server: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Starts a server on the system clock, printing the demo banner to stdout. */
  public static HyrelogServer start(ServerConfig config) {
    return start(config, Clock.systemUTC(), System.out);
  }

  /**
   * Starts a server.
   *
   * @param clock the time of receipts, rate limits and key expiry (tests pass a virtual clock)
   * @param console where the first-start banner with the demo keys goes
   * @throws HyrelogException with a message saying what to change when it cannot start
   */
  public static HyrelogServer start(ServerConfig config, Clock clock, PrintStream console) {
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      return start(config, clock, console, resources);
    } catch (RuntimeException e) {
      closeAll(resources);
      throw e;
    }
  }

  private static HyrelogServer start(ServerConfig config, Clock clock, PrintStream console,
      List<AutoCloseable> resources) {
    Databases dbs = Databases.open(config, resources);
    Secrets secrets = secrets(config);
    KeyHasher hasher = new KeyHasher(secrets.apiKeySecret());
    DatabaseSettings d = config.database();
    // Request handlers use the API pool, background jobs the jobs' pool, the store's writers
    // their own: no role can take the connections of another.
    Map<DataRegion, TenantDirectory> tenants = new EnumMap<>(DataRegion.class);
    Map<DataRegion, TenantDirectory> jobTenants = new EnumMap<>(DataRegion.class);
    Map<DataRegion, ExportJobs> exportTables = new EnumMap<>(DataRegion.class);
    PostgresRegions.Builder rb = PostgresRegions.builder()
        .storeOptions(b -> b.writers(d.writers()).appendTimeout(d.appendTimeout()));
    dbs.app.forEach((r, ds) -> {
      rb.region(r, ds, dbs.writes.get(r));
      tenants.put(r, PostgresTenants.create(ds));
      jobTenants.put(r, PostgresTenants.create(dbs.jobs.get(r)));
      exportTables.put(r, PostgresExports.create(ds));
    });
    PostgresRegions stores = rb.build();
    // Closed before the pools (resources close in reverse order).
    resources.add(stores);
    Map<DataRegion, EventLog> logs = new EnumMap<>(DataRegion.class);
    for (DataRegion r : stores.regions()) {
      logs.put(r, EventLog.builder(stores.store(r)).clock(clock).build());
    }
    Map<DataRegion, Archival> archives = new EnumMap<>(DataRegion.class);
    Map<DataRegion, Archival> jobArchives = new EnumMap<>(DataRegion.class);
    Map<DataRegion, RestoreRequests> restores = new EnumMap<>(DataRegion.class);
    Map<DataRegion, RestoreWorkflow> workflows = new EnumMap<>(DataRegion.class);
    Map<DataRegion, RestoreWorkflow> jobWorkflows = new EnumMap<>(DataRegion.class);
    Map<DataRegion, io.hyrelog.spi.ArchiveStore> objectStores = new EnumMap<>(DataRegion.class);
    dbs.app.forEach((r, ds) -> {
      io.hyrelog.spi.ArchiveStore objects = config.archive().store(r, clock);
      if (objects instanceof AutoCloseable c) {
        resources.add(c);
      }
      // Handlers read chains page by page, so a slow client never holds a connection.
      Archival archival = Archival.create(new PagedEventStore(stores.store(r), READ_PAGE),
          PostgresArchiveCatalog.create(ds), objects, clock);
      Archival jobArchival = Archival.create(stores.store(r),
          PostgresArchiveCatalog.create(dbs.jobs.get(r)), objects, clock);
      archives.put(r, archival);
      jobArchives.put(r, jobArchival);
      objectStores.put(r, objects);
      restores.put(r, PostgresRestoreRequests.create(ds));
      workflows.put(r, new RestoreWorkflow(restores.get(r), archival, objects));
      jobWorkflows.put(r, new RestoreWorkflow(PostgresRestoreRequests.create(dbs.jobs.get(r)),
          jobArchival, objects));
    });
    Tenancy tenancy = new Tenancy(tenants);
    // One admin audit log per deployment, in the first served region's database.
    AdminAuditLog adminAuditLog = PostgresAdminAuditLog.create(
        dbs.app.values().iterator().next());
    Dashboard dashboard = new Dashboard(secrets.dashboardToken(), RestorePolicy.defaults(),
        tenancy, restores, archives, adminAuditLog, clock);
    Metrics metrics = new Metrics();
    resources.add(metrics);
    // Stopped before the stores and pools close, after the HTTP server (reverse order).
    ServerSigning signing = ServerSigning.load(config);
    Optional<S3ArchiveStore> vaultStore = config.evidence().vaultStore(clock);
    vaultStore.ifPresent(resources::add);
    Evidence evidence = Evidence.create(config, clock, exportTables, archives, signing,
        vaultStore.<io.hyrelog.spi.ArchiveStore>map(v -> v));
    List<ServerJob> serverJobs = new ArrayList<>(jobs(config, clock, stores, jobTenants,
        jobArchives, jobWorkflows, evidence, PostgresAdminAuditLog.create(
            dbs.jobs.values().iterator().next())));
    Map<DataRegion, SnapshotCatalog> snapshots = new EnumMap<>(DataRegion.class);
    Map<DataRegion, ExportJobs> jobHeads = new EnumMap<>(DataRegion.class);
    dbs.jobs.forEach((r, ds) -> {
      snapshots.put(r, PostgresSnapshots.create(ds));
      jobHeads.put(r, PostgresExports.create(ds));
    });
    serverJobs.add(SnapshotJob.job(snapshots, jobHeads, jobTenants, jobArchives, objectStores,
        logs, signing));
    Jobs jobs = Jobs.create(serverJobs, dbs.jobs, jobSettings(config), clock);
    resources.add(jobs);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicBoolean closing = new AtomicBoolean();
    HealthProbe health = new HealthProbe(dbs.urls);
    resources.add(health);
    LimitSettings limits = config.limits();
    Services s = new Services(config, clock, clock.instant(), tenancy,
        new Authenticator(tenancy, hasher, clock, config.authCache(), config.authCacheStale()),
        hasher, new RateLimits(clock, config.rateLimitApiKeyPerMin(),
            config.rateLimitIpPerMin(), config.keyManagementPerMin(),
            limits.evidenceExportsPerMin()),
        new ClientIp(config.trustedProxies()), stores, logs, metrics, secrets.internalToken(),
        jobs, archives, new Admission(limits.maxInFlight(), limits.maxInFlightPerIp(),
            limits.maxInFlightPerKey()), new CompanyLimits(limits), health,
        new VerifiedChains());
    Exports exports = new Exports(s, exportTables, new ArchivedSegments(archives, clock));
    Javalin app = routes(s, exports, dashboard, evidence, new SigningRoutes(s, signing),
        inFlight, closing);
    try {
      app.start();
    } catch (RuntimeException e) {
      throw new HyrelogException("cannot listen on " + config.host() + ":" + config.port()
          + " (" + e.getMessage() + "); set PORT to a free port", e);
    }
    resources.add(app::stop);
    jobs.start();
    String baseUrl = config.publicUrl().orElse("http://localhost:" + app.port());
    DemoCredentials demo = null;
    if (config.embedded()) {
      demo = demoTenant(config, tenants, hasher, clock, baseUrl, console);
    }
    LOG.info("HyreLog API listening on {} ({} database{})", baseUrl,
        config.embedded() ? "embedded" : "external", config.embedded() ? " under "
            + config.dataDir().toAbsolutePath() : "s for " + stores.regions());
    return new HyrelogServer(resources, app, demo, inFlight, closing,
        config.withPort(app.port()));
  }

  /**
   * The background jobs this server runs, each with a handler per region database. Add a job
   * here: a {@link ServerJob} with its type, input schema, policy (attempts, timeout,
   * schedule) and a function from region to handler.
   */
  private static List<ServerJob> jobs(ServerConfig config, Clock clock,
      PostgresRegions stores, Map<DataRegion, TenantDirectory> tenants,
      Map<DataRegion, Archival> archives, Map<DataRegion, RestoreWorkflow> workflows,
      Evidence evidence, AdminAuditLog adminAuditLog) {
    List<ServerJob> jobs = new ArrayList<>();
    jobs.add(ChainsVerifyJob.job(stores, tenants, archives));
    jobs.addAll(LifecycleJobs.jobs(tenants, archives));
    jobs.addAll(RestoreJobs.jobs(workflows));
    jobs.add(EvidenceJob.job(tenants, evidence));
    jobs.add(ComplianceExportJob.job(config.complianceExport(),
        config.dataDir().resolve("compliance-work"), stores, tenants, archives, adminAuditLog,
        clock));
    return List.copyOf(jobs);
  }

  private static JobSettings jobSettings(ServerConfig config) {
    return new JobSettings(config.jobsEnabled(), config.jobsPollInterval(),
        config.jobsHeartbeatInterval(), 6, config.jobsThreads(),
        JobSettings.defaultWorkerName());
  }

  private static Javalin routes(Services s, Exports exportJobs, Dashboard dashboard,
      Evidence evidenceBundles, SigningRoutes signing, AtomicInteger inFlight,
      AtomicBoolean closing) {
    DashboardRoutes dash = new DashboardRoutes(dashboard);
    RequestPipeline pipeline = new RequestPipeline(s);
    EventRoutes events = new EventRoutes(s);
    ChainRoutes chains = new ChainRoutes(s);
    KeyRoutes keys = new KeyRoutes(s);
    SystemRoutes system = new SystemRoutes(s);
    JobRoutes ops = new JobRoutes(s.jobs(), s.internalToken());
    ExportRoutes exports = new ExportRoutes(s, exportJobs);
    EvidenceRoutes evidence = new EvidenceRoutes(s, evidenceBundles);
    ServerConfig config = s.config();
    LimitSettings limits = config.limits();
    return Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      QueuedThreadPool threads = new QueuedThreadPool(limits.httpThreads(), 8, 60_000);
      threads.setName("hyrelog-http");
      c.jetty.threadPool = threads;
      c.jetty.modifyServer(server -> {
        server.setErrorHandler(new JettyErrors(closing::get));
        server.insertHandler(new TransferLimits(limits.bodyReadTimeout(),
            LimitSettings.RATE_GRACE, limits.minRequestRate(), limits.minResponseRate()));
      });
      c.jetty.addConnector((server, http) -> {
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        return connector;
      });
      c.startup.showOldJavalinVersionWarning = false;
      c.http.maxRequestSize = s.config().maxBodyBytes();
      c.http.prefer405over404 = true;
      c.router.ignoreTrailingSlashes = false;
      c.routes.before(ctx -> {
        inFlight.incrementAndGet();
        ctx.attribute("hyrelog.counted", Boolean.TRUE);
        if (closing.get()) {
          throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
              "the server is shutting down; retry on another instance", List.of(),
              Duration.ofSeconds(1));
        }
        pipeline.before(ctx);
      });
      c.routes.after(ctx -> {
        try {
          pipeline.after(ctx);
        } finally {
          if (ctx.attribute("hyrelog.counted") != null) {
            ctx.attribute("hyrelog.counted", null);
            inFlight.decrementAndGet();
          }
        }
      });
      c.routes.exception(HttpResponseException.class, (e, ctx) -> Problems.write(ctx, e));
      c.routes.exception(Exception.class, (e, ctx) -> Problems.write(ctx, e));
      c.routes.get("/", system::root);
      c.routes.get("/openapi.json", system::openApi);
      c.routes.get("/internal/health", system::health);
      c.routes.get("/internal/metrics", system::metrics);
      c.routes.post("/v1/events", events::append);
      c.routes.get("/v1/events", events::query);
      c.routes.post("/v1/events/batch", events::appendBatch);
      c.routes.get("/v1/chains/{workspaceId}/head", chains::head);
      c.routes.get("/v1/chains/{workspaceId}/events.jsonl", chains::export);
      c.routes.get("/v1/chains/{workspaceId}/verify", chains::verify);
      c.routes.get("/v1/chains/{workspaceId}/checkpoint", signing::checkpoint);
      c.routes.get("/v1/signing-keys", signing::signingKeys);
      c.routes.post("/v1/workspaces/{workspaceId}/keys", keys::create);
      c.routes.post("/v1/keys/{keyId}/rotate", keys::rotate);
      c.routes.get("/v1/keys/status", keys::status);
      c.routes.get("/ops/jobs", ops::list);
      c.routes.post("/ops/jobs/{job_id}/run", ops::run);
      c.routes.get("/ops/jobs/runs/{run_id}", ops::runStatus);
      c.routes.post("/v1/exports", exports::create);
      c.routes.get("/v1/exports/{jobId}", exports::status);
      c.routes.get("/v1/exports/{jobId}/download", exports::download);
      c.routes.post("/dashboard/restore-requests", dash::create);
      c.routes.get("/dashboard/restore-requests", dash::list);
      c.routes.get("/dashboard/restore-requests/{id}", dash::get);
      c.routes.delete("/dashboard/restore-requests/{id}", dash::cancelOwn);
      c.routes.get("/dashboard/admin/restore-requests", dash::adminList);
      c.routes.post("/dashboard/admin/restore-requests/{id}/approve", dash::approve);
      c.routes.post("/dashboard/admin/restore-requests/{id}/reject", dash::reject);
      c.routes.post("/dashboard/admin/restore-requests/{id}/cancel", dash::adminCancel);
      c.routes.get("/dashboard/admin/audit-logs", dash::auditLogs);
      c.routes.post("/compliance/evidence/export", evidence::export);
      c.routes.post("/compliance/evidence/countersign", evidence::countersign);
      c.routes.post("/compliance/evidence/verify", evidence::verify);
    });
  }

  private static Secrets secrets(ServerConfig config) {
    if (config.embedded()) {
      Secrets stored = Secrets.loadOrCreate(config.dataDir());
      return new Secrets(config.apiKeySecret().orElse(stored.apiKeySecret()),
          config.internalToken().orElse(stored.internalToken()),
          config.dashboardToken().or(stored::dashboardToken));
    }
    if (config.apiKeySecret().isEmpty() || config.internalToken().isEmpty()) {
      throw new ServerConfig.ConfigException("with an external database, set"
          + " HYRELOG_API_KEY_SECRET and HYRELOG_INTERNAL_TOKEN (16+ characters each, e.g."
          + " `openssl rand -hex 32`); every server process of one deployment needs the same"
          + " values");
    }
    return new Secrets(config.apiKeySecret().get(), config.internalToken().get(),
        config.dashboardToken());
  }

  private static DemoCredentials demoTenant(ServerConfig config,
      Map<DataRegion, TenantDirectory> tenants, KeyHasher hasher, Clock clock, String baseUrl,
      PrintStream console) {
    Path file = config.dataDir().resolve(DemoSeed.CREDENTIALS_FILE);
    DataRegion region = tenants.keySet().iterator().next();
    try {
      if (!tenants.get(region).companies().isEmpty()) {
        if (Files.exists(file)) {
          DemoCredentials c = DemoCredentials.read(file);
          DemoSeed.printExisting(console, c, file);
          return c;
        }
        console.println("HyreLog: " + file + " is missing, so the demo keys are unknown;"
            + " stop the server and delete " + config.dataDir() + " to start over with a new"
            + " demo tenant");
        return null;
      }
      DemoCredentials c = DemoSeed.create(tenants.get(region), region, hasher, clock, baseUrl);
      DemoSeed.write(config.dataDir(), c);
      DemoSeed.printNew(console, c, file);
      return c;
    } catch (IOException e) {
      throw new HyrelogException("cannot write " + file.toAbsolutePath() + ": "
          + e.getMessage(), e);
    }
  }

  /** {@code seed}: the demo tenant in the configured database. */
  static DemoCredentials seed(ServerConfig config, PrintStream console) {
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      Databases dbs = Databases.open(config, resources);
      Secrets secrets = secrets(config);
      DataRegion region = dbs.app.keySet().iterator().next();
      String baseUrl = config.publicUrl().orElse("http://localhost:" + (config.port() == 0
          ? 3000 : config.port()));
      DemoCredentials c = DemoSeed.create(PostgresTenants.create(dbs.app.get(region)), region,
          new KeyHasher(secrets.apiKeySecret()), Clock.systemUTC(), baseUrl);
      Path file = DemoSeed.write(config.dataDir(), c);
      DemoSeed.printNew(console, c, file);
      return c;
    } catch (IOException e) {
      throw new HyrelogException("cannot write the demo credentials under "
          + config.dataDir().toAbsolutePath() + ": " + e.getMessage(), e);
    } finally {
      closeAll(resources);
    }
  }

  /**
   * The registered HTTP routes as {@code "METHOD /path"} (path parameters as {@code {name}}),
   * excluding before/after handlers; the OpenAPI document is tested against it.
   */
  public java.util.SortedSet<String> routes() {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    for (var e : app.unsafe.internalRouter.allHttpHandlers()) {
      String m = e.endpoint.method.name();
      if (!m.equals("BEFORE") && !m.equals("AFTER") && !m.startsWith("BEFORE_")
          && !m.startsWith("AFTER_")) {
        out.add(m + " " + e.endpoint.path);
      }
    }
    return out;
  }

  /** The port the server listens on. */
  public int port() {
    return app.port();
  }

  /** {@code http://localhost:<port>}. */
  public URI baseUrl() {
    return URI.create("http://localhost:" + app.port());
  }

  /** The demo tenant (embedded mode), if its credentials are known. */
  public Optional<DemoCredentials> demo() {
    return Optional.ofNullable(demo);
  }

  public ServerConfig config() {
    return config;
  }

  /**
   * Graceful shutdown: new requests get 503, in-flight ones finish (up to 30 s), then the
   * HTTP server, the stores (draining queued appends), the pools and the database stop.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + DRAIN.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    closeAll(resources);
    LOG.info("HyreLog API stopped");
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        LOG.warn("failed to close {}: {}", resources.get(i), e.toString());
      }
    }
    resources.clear();
  }

  /** The data sources per region and role, migrated. */
  private static final class Databases {
    final Map<DataRegion, HikariDataSource> app = new EnumMap<>(DataRegion.class);
    final Map<DataRegion, HikariDataSource> writes = new EnumMap<>(DataRegion.class);
    final Map<DataRegion, HikariDataSource> jobs = new EnumMap<>(DataRegion.class);
    final Map<DataRegion, String> urls = new EnumMap<>(DataRegion.class);

    static Databases open(ServerConfig config, List<AutoCloseable> resources) {
      Databases d = new Databases();
      if (config.embedded()) {
        EmbeddedDatabase db = EmbeddedDatabase.start(config.dataDir());
        resources.add(db);
        try (HikariDataSource owner = pool(db.ownerUrl(), "hyrelog-migrate", 2,
            Duration.ofSeconds(30), Duration.ZERO, config.database())) {
          PostgresProvisioning.createRoleIfMissing(owner, EmbeddedDatabase.APP_ROLE);
          PostgresMigrations.builder(owner).applicationRole(EmbeddedDatabase.APP_ROLE).build()
              .migrate();
        }
        d.add(DataRegion.US, db.jdbcUrl(EmbeddedDatabase.APP_ROLE), config, resources);
        return d;
      }
      for (Map.Entry<DataRegion, String> e : config.databaseUrls().entrySet()) {
        d.add(e.getKey(), e.getValue(), config, resources);
        // On the jobs' pool: its statement timeout is the one long enough for migrations.
        PostgresMigrations.builder(d.jobs.get(e.getKey())).build().migrate();
      }
      return d;
    }

    private void add(DataRegion r, String url, ServerConfig config,
        List<AutoCloseable> resources) {
      DatabaseSettings s = config.database();
      HikariDataSource api = pool(url, "hyrelog-" + r, config.databasePoolSize(),
          s.poolTimeout(), s.statementTimeout(), s);
      resources.add(api);
      app.put(r, api);
      HikariDataSource w = pool(url, "hyrelog-" + r + "-writes", s.writers(), s.poolTimeout(),
          s.writeTimeout(), s);
      resources.add(w);
      writes.put(r, w);
      HikariDataSource j = pool(url, "hyrelog-" + r + "-jobs", s.jobsPoolSize(),
          Duration.ofSeconds(30), s.jobsStatementTimeout(), s);
      resources.add(j);
      jobs.put(r, j);
      urls.put(r, url);
    }

    /**
     * A pool whose waits are all bounded: for a pooled connection ({@code poolTimeout}), to
     * connect, for each statement ({@code statement_timeout}, zero: none) and, should the
     * database stop answering altogether, on the socket (the statement timeout plus a margin).
     * The statement timeout travels as a startup option of each connection (pgjdbc {@code
     * options}), so no statement of the server sets it; a URL's own {@code options} parameter
     * replaces it.
     */
    private static HikariDataSource pool(String url, String name, int size,
        Duration poolTimeout, Duration statementTimeout, DatabaseSettings s) {
      HikariConfig h = new HikariConfig();
      h.setJdbcUrl(url);
      h.setMaximumPoolSize(size);
      h.setMinimumIdle(Math.min(2, size));
      h.setPoolName(name);
      h.setInitializationFailTimeout(30_000);
      h.setConnectionTimeout(poolTimeout.toMillis());
      h.setValidationTimeout(Math.max(250, Math.min(2_000, poolTimeout.toMillis() / 2)));
      h.addDataSourceProperty("connectTimeout", Long.toString(s.connectTimeout().toSeconds()));
      h.addDataSourceProperty("loginTimeout", Long.toString(s.connectTimeout().toSeconds()));
      if (!statementTimeout.isZero()) {
        h.addDataSourceProperty("options", "-c statement_timeout=" + statementTimeout.toMillis());
        h.addDataSourceProperty("socketTimeout", Long.toString(statementTimeout
            .plus(DatabaseSettings.SOCKET_MARGIN).toSeconds()));
      }
      // Server error details can quote parameter values (personal data): keep them out.
      h.addDataSourceProperty("logServerErrorDetail", "false");
      try {
        return new HikariDataSource(h);
      } catch (RuntimeException e) {
        throw new HyrelogException("cannot connect to the database of pool " + name + " ("
            + rootMessage(e) + "); check the HYRELOG_DATABASE_URL* settings", e);
      }
    }

    private static String rootMessage(Throwable t) {
      while (t.getCause() != null) {
        t = t.getCause();
      }
      String m = t.getMessage();
      return m == null ? t.getClass().getSimpleName() : m.replaceAll("password=[^&\\s]*",
          "password=<masked>");
    }
  }
}
