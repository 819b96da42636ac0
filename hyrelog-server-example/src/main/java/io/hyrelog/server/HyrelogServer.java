package io.hyrelog.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.server.config.ConfigException;
import io.hyrelog.server.config.WebhookSettings;
import io.hyrelog.HyrelogException;
import io.hyrelog.archive.s3.S3ArchiveStore;
import io.hyrelog.lifecycle.RestorePolicy;
import io.hyrelog.server.internal.Admission;
import io.hyrelog.server.internal.Authenticator;
import io.hyrelog.server.internal.ChainRoutes;
import io.hyrelog.server.internal.ProofRoutes;
import io.hyrelog.server.internal.ClientIp;
import io.hyrelog.server.internal.CompanyLimits;
import io.hyrelog.server.internal.EventRoutes;
import io.hyrelog.server.internal.HealthProbe;
import io.hyrelog.server.internal.KeyHasher;
import io.hyrelog.server.internal.KeyManagement;
import io.hyrelog.server.internal.KeyRoutes;
import io.hyrelog.server.internal.SystemChain;
import io.hyrelog.server.internal.Metrics;
import io.hyrelog.server.internal.RateLimits;
import io.hyrelog.server.internal.Region;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.RequestPipeline;
import io.hyrelog.server.internal.Secrets;
import io.hyrelog.server.internal.SystemRoutes;
import io.hyrelog.server.internal.Tenancy;
import io.hyrelog.server.internal.VerifiedChains;
import io.hyrelog.server.internal.compliance.Evidence;
import io.hyrelog.server.internal.compliance.EvidenceJob;
import io.hyrelog.server.internal.compliance.ComplianceDownloadRoutes;
import io.hyrelog.server.internal.compliance.EvidenceRoutes;
import io.hyrelog.server.internal.complianceexport.ComplianceExportJob;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.dashboard.Dashboard;
import io.hyrelog.server.internal.dashboard.DashboardActions;
import io.hyrelog.server.internal.dashboard.DashboardEventRoutes;
import io.hyrelog.server.internal.dashboard.DashboardKeyRoutes;
import io.hyrelog.server.internal.dashboard.DashboardRoutes;
import io.hyrelog.server.internal.dashboard.DashboardTenantRoutes;
import io.hyrelog.server.internal.exports.DashboardExportRoutes;
import io.hyrelog.server.internal.exports.ExportRoutes;
import io.hyrelog.personal.SubjectAccess;
import io.hyrelog.server.internal.exports.AccessExports;
import io.hyrelog.server.internal.exports.AccessFileRoutes;
import io.hyrelog.server.internal.exports.Exports;
import io.hyrelog.server.internal.jobs.ChainsVerifyJob;
import io.hyrelog.server.internal.jobs.TreeBackfillJob;
import io.hyrelog.server.internal.jobs.JobRoutes;
import io.hyrelog.server.internal.jobs.JobSettings;
import io.hyrelog.server.internal.jobs.Jobs;
import io.hyrelog.server.internal.jobs.ServerJob;
import io.hyrelog.server.internal.jobs.SystemChainJob;
import io.hyrelog.server.internal.lifecycle.ArchivedSegments;
import io.hyrelog.server.internal.lifecycle.LifecycleJobs;
import io.hyrelog.server.internal.lifecycle.RestoreJobs;
import io.hyrelog.server.internal.gdpr.DashboardGdprRoutes;
import io.hyrelog.server.internal.gdpr.GdprJob;
import io.hyrelog.server.internal.gdpr.GdprManagement;
import io.hyrelog.server.internal.gdpr.GdprRoutes;
import io.hyrelog.IdSource;
import io.micrometer.core.instrument.Gauge;
import io.hyrelog.server.internal.signing.Checkpoints;
import io.hyrelog.server.internal.signing.ServerSigning;
import io.hyrelog.server.internal.signing.SigningRoutes;
import io.hyrelog.server.internal.snapshots.SnapshotJob;
import io.hyrelog.server.internal.signing.CheckpointJobs;
import io.hyrelog.server.internal.witness.Witnessing;
import io.hyrelog.server.internal.webhooks.WebhookJobs;
import io.hyrelog.server.internal.webhooks.DashboardWebhookRoutes;
import io.hyrelog.server.internal.webhooks.WebhookManagement;
import io.hyrelog.server.internal.webhooks.WebhookRoutes;
import io.hyrelog.server.internal.webhooks.Webhooks;
import io.hyrelog.spi.AdminAuditLog;
import io.hyrelog.storage.postgres.PostgresAdminAuditLog;
import io.javalin.Javalin;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HyreLog example server and its composition root: plain code wires configuration,
 * databases ({@link Databases}), the served regions, the features, the background jobs and the
 * routes ({@link Routes}) (no container, no scanning).
 *
 * <p>{@code java -jar hyrelog-server.jar} serves; {@code java -jar hyrelog-server.jar seed}
 * creates the demo tenant in the configured database and exits.
 */
public final class HyrelogServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HyrelogServer.class);
  private static final Duration DRAIN = Duration.ofSeconds(30);
  /** How long a shutdown hook waits for a start in progress before giving up on it. */
  private static final Duration STARTUP_WAIT = Duration.ofMinutes(3);

  private final List<AutoCloseable> resources;
  private final Javalin app;
  private final DemoCredentials demo;
  private final RequestPipeline pipeline;
  private final ServerConfig config;
  private final SubjectAccess subjectAccess;

  private HyrelogServer(List<AutoCloseable> resources, Javalin app, DemoCredentials demo,
      SubjectAccess subjectAccess,
      RequestPipeline pipeline, ServerConfig config) {
    this.resources = resources;
    this.app = app;
    this.demo = demo;
    this.pipeline = pipeline;
    this.config = config;
    this.subjectAccess = subjectAccess;
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

  /** Resources close in reverse order: the HTTP server first, the embedded database last. */
  private static HyrelogServer start(ServerConfig config, Clock clock, PrintStream console,
      List<AutoCloseable> resources) {
    if (!config.embedded() && config.webhooks().secretEncryptionKey().isEmpty()) {
      throw noWebhookKey(); // before any database is touched
    }
    if (!config.embedded() && config.archive().subjectKeyEncryptionKey().isEmpty()) {
      throw noSubjectKey();
    }
    Map<io.hyrelog.DataRegion, Region.Pools> pools = Databases.open(config, resources);
    Secrets secrets = secrets(config);
    DatabaseSettings d = config.database();
    Regions regions = Regions.open(pools,
        b -> b.writers(d.writers()).appendTimeout(d.appendTimeout()), config.archive()::store,
        config.archive().subjectKeyEncryptionKey().or(secrets::subjectKey)
            .orElseThrow(HyrelogServer::noSubjectKey), clock);
    resources.add(regions);
    KeyHasher hasher = new KeyHasher(secrets.apiKeySecret());
    Tenancy tenancy = new Tenancy(regions);
    SystemChain systemChain = new SystemChain(regions, tenancy, clock);
    Metrics metrics = new Metrics();
    resources.add(metrics);
    VerifiedChains verifiedChains = new VerifiedChains();
    Optional<Path> embeddedDataDir = config.embedded() ? Optional.of(config.dataDir())
        : Optional.empty();
    ServerSigning signing = ServerSigning.load(config.signing(), embeddedDataDir);
    Optional<S3ArchiveStore> vaultStore = config.evidence().vaultStore(clock);
    vaultStore.ifPresent(resources::add);
    Evidence evidence = Evidence.create(config.evidence(), embeddedDataDir, clock,
        regions.map(r -> r), signing,
        vaultStore.<io.hyrelog.spi.ArchiveStore>map(v -> v));
    Checkpoints checkpoints = new Checkpoints(signing, 10_000, verifiedChains);
    Witnessing witnessing = Witnessing.create(config.witness(), metrics.registry(), clock);
    resources.add(witnessing);
    Webhooks webhooks = Webhooks.create(config.webhooks(), webhookKey(config, secrets), regions,
        tenancy, metrics, clock, JobSettings.defaultWorkerName());
    resources.add(webhooks);
    ArchivedSegments archived = new ArchivedSegments(regions, clock);
    RestorePolicy restorePolicy = RestorePolicy.defaults();
    SubjectAccess subjectAccess = new AccessExports(regions, tenancy, archived, signing,
        checkpoints, restorePolicy, clock);
    Jobs jobs = Jobs.create(jobs(config, clock, regions, evidence, signing, checkpoints,
        witnessing, webhooks, systemChain, subjectAccess), regions, jobSettings(config), clock);
    resources.add(jobs);
    HealthProbe health = new HealthProbe(regions);
    resources.add(health);

    LimitSettings limits = config.limits();
    Authenticator authenticator = new Authenticator(tenancy, hasher, clock, config.authCache(),
        config.authCacheStale());
    RateLimits rateLimits = new RateLimits(clock, config.rateLimitApiKeyPerMin(),
        config.rateLimitIpPerMin(), config.keyManagementPerMin(),
        limits.evidenceExportsPerMin(), limits.evidencePerMin());
    CompanyLimits companyLimits = new CompanyLimits(limits.companyVerify(),
        limits.companyCheckpoints(), limits.companyExports(), limits.companyEvidence());
    RequestPipeline pipeline = new RequestPipeline(authenticator, rateLimits,
        new ClientIp(config.trustedProxies()), new Admission(limits.maxInFlight(),
            limits.maxInFlightPerIp(), limits.maxInFlightPerKey()), metrics);
    // One admin audit log per deployment, in the first served region's database.
    AdminAuditLog adminAuditLog = PostgresAdminAuditLog.create(regions.first().pools().api());
    Exports exports = new Exports(regions, tenancy, metrics, clock, archived, signing,
        checkpoints);
    Dashboard dashboard = new Dashboard(secrets.dashboardToken(), restorePolicy, tenancy,
        regions, adminAuditLog, clock);
    DashboardActions dashboardActions = new DashboardActions(dashboard, systemChain);
    KeyManagement keyManagement = new KeyManagement(tenancy, authenticator, hasher, clock,
        systemChain);
    WebhookManagement webhookManagement = new WebhookManagement(webhooks, tenancy, clock);
    EventRoutes eventRoutes = new EventRoutes(regions, tenancy, metrics, config.maxBodyBytes());
    ExportRoutes exportRoutes = new ExportRoutes(exports, companyLimits, config.maxBodyBytes());
    GdprManagement gdpr = new GdprManagement(regions, tenancy, clock, IdSource.secure(clock));
    Gauge.builder("hyrelog.gdpr.requests.overdue", () -> regions.all().stream()
            .mapToLong(r -> r.gdprRequests().countOverdue(clock.instant())).sum())
        .description("personal-data requests open past their due date (30 days after filing)")
        .register(metrics.registry());
    Routes routes = new Routes(
        new SystemRoutes(health, metrics, secrets.internalToken(), clock),
        eventRoutes,
        new ChainRoutes(regions, tenancy, companyLimits, verifiedChains, clock),
        new ProofRoutes(regions, tenancy, companyLimits),
        new SigningRoutes(signing, regions, tenancy, companyLimits, checkpoints, witnessing),
        new KeyRoutes(tenancy, keyManagement, systemChain, rateLimits, clock),
        new JobRoutes(jobs, secrets.internalToken()),
        exportRoutes,
        new DashboardRoutes(dashboard, dashboardActions),
        new EvidenceRoutes(evidence, tenancy, rateLimits, companyLimits, clock,
            config.maxBodyBytes(), limits.evidenceQuotaBytes()),
        new WebhookRoutes(webhookManagement, tenancy, rateLimits, systemChain),
        new DashboardWebhookRoutes(webhookManagement, dashboardActions),
        new DashboardEventRoutes(eventRoutes, dashboardActions, tenancy),
        new DashboardExportRoutes(exportRoutes, dashboardActions, tenancy),
        new DashboardTenantRoutes(dashboard, dashboardActions, tenancy, (company, plan) -> {
          ObjectNode changed = Json.object();
          changed.put("webhooksDisabled", webhookManagement.restrictToPlan(company, plan));
          return changed;
        }),
        new DashboardKeyRoutes(dashboard, regions, keyManagement, dashboardActions),
        new ComplianceDownloadRoutes(evidence, config.complianceExport().localDirectory(),
            rateLimits),
        new AccessFileRoutes(subjectAccess, rateLimits, dashboardActions),
        new GdprRoutes(gdpr, rateLimits, systemChain),
        new DashboardGdprRoutes(gdpr, dashboardActions));
    Javalin app = routes.app(config, pipeline);
    try {
      app.start();
    } catch (RuntimeException e) {
      throw new HyrelogException("cannot listen on " + config.host() + ":" + config.port()
          + " (" + e.getMessage() + "); set PORT to a free port", e);
    }
    resources.add(app::stop);
    jobs.start();
    webhooks.start();
    String baseUrl = config.publicUrl().orElse("http://localhost:" + app.port());
    DemoCredentials demo = null;
    if (config.embedded()) {
      demo = DemoSeed.onStart(config, regions.first(), hasher, clock, baseUrl, console);
    }
    LOG.info("HyreLog API listening on {} ({} database{})", baseUrl,
        config.embedded() ? "embedded" : "external", config.embedded() ? " under "
            + config.dataDir().toAbsolutePath() : "s for " + regions.ids());
    return new HyrelogServer(resources, app, demo, subjectAccess, pipeline,
        config.withPort(app.port()));
  }

  /**
   * The background jobs this server runs, each with a handler per region. Add a job here: a
   * {@link ServerJob} with its type, input schema, policy (attempts, timeout, schedule) and a
   * function from region to handler.
   */
  private static List<ServerJob> jobs(ServerConfig config, Clock clock, Regions regions,
      Evidence evidence, ServerSigning signing, Checkpoints checkpoints,
      Witnessing witnessing, Webhooks webhooks, SystemChain systemChain,
      SubjectAccess subjectAccess) {
    List<ServerJob> jobs = new ArrayList<>();
    jobs.add(ChainsVerifyJob.job(regions));
    jobs.add(TreeBackfillJob.job(regions));
    jobs.addAll(LifecycleJobs.jobs(regions));
    jobs.addAll(RestoreJobs.jobs(regions));
    jobs.add(EvidenceJob.job(regions, evidence));
    jobs.add(ComplianceExportJob.job(config.complianceExport(),
        config.dataDir().resolve("compliance-work"), regions,
        PostgresAdminAuditLog.create(regions.first().pools().jobs()), clock));
    jobs.add(SnapshotJob.job(regions, signing));
    jobs.addAll(CheckpointJobs.jobs(regions, signing, checkpoints, witnessing, clock));
    jobs.add(WebhookJobs.disableFailing(webhooks));
    jobs.add(SystemChainJob.job(systemChain, regions));
    jobs.add(GdprJob.job(regions, checkpoints, evidence,
        config.complianceExport().localDirectory(), Region::jobSubjectKeys,
        r -> Optional.of(subjectAccess), clock));
    return List.copyOf(jobs);
  }

  private static JobSettings jobSettings(ServerConfig config) {
    return new JobSettings(config.jobsEnabled(), config.jobsPollInterval(),
        config.jobsHeartbeatInterval(), 6, config.jobsThreads(),
        JobSettings.defaultWorkerName());
  }

  private static Secrets secrets(ServerConfig config) {
    if (config.embedded()) {
      Secrets stored = Secrets.loadOrCreate(config.dataDir());
      return new Secrets(config.apiKeySecret().orElse(stored.apiKeySecret()),
          config.internalToken().orElse(stored.internalToken()),
          config.dashboardToken().or(stored::dashboardToken), stored.webhookKey(),
          stored.subjectKey());
    }
    if (config.apiKeySecret().isEmpty() || config.internalToken().isEmpty()) {
      throw new ConfigException("with an external database, set"
          + " HYRELOG_API_KEY_SECRET and HYRELOG_INTERNAL_TOKEN (16+ characters each, e.g."
          + " `openssl rand -hex 32`); every server process of one deployment needs the same"
          + " values");
    }
    return new Secrets(config.apiKeySecret().get(), config.internalToken().get(),
        config.dashboardToken(), Optional.empty(), Optional.empty());
  }

  /**
   * The key sealing webhook secrets: {@code HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY}, else in
   * embedded mode the generated one in {@code secrets.json}.
   */
  private static String webhookKey(ServerConfig config, Secrets secrets) {
    return config.webhooks().secretEncryptionKey().or(secrets::webhookKey).orElseThrow(
        HyrelogServer::noWebhookKey);
  }

  /** With an external database every process must open the others' sealed secrets. */
  private static ConfigException noWebhookKey() {
    return new ConfigException("with an external database, set "
        + WebhookSettings.KEY_VARIABLE + " (64 hex characters, e.g. `openssl rand -hex 32`):"
        + " it seals the webhook endpoints' secrets, and every server process of one"
        + " deployment needs the same value");
  }

  /** With an external database every process must open the subject keys the others made. */
  private static ConfigException noSubjectKey() {
    return new ConfigException("with an external database, set "
        + ArchiveSettings.SUBJECT_KEY_VARIABLE + " (64 hex characters, e.g. `openssl rand -hex"
        + " 32`): it seals the subject keys under which archived personal values are encrypted,"
        + " every server process of one deployment needs the same value, and losing it makes"
        + " every sealed archived value unreadable");
  }

  /** {@code seed}: the demo tenant in the configured database. */
  static DemoCredentials seed(ServerConfig config, PrintStream console) {
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      Map<io.hyrelog.DataRegion, Region.Pools> pools = Databases.open(config, resources);
      pools.values().forEach(p -> resources.addAll(p.closeables()));
      Secrets secrets = secrets(config);
      return DemoSeed.seed(config, pools.keySet().iterator().next(),
          io.hyrelog.storage.postgres.PostgresTenants.create(pools.values().iterator().next()
              .api()), new KeyHasher(secrets.apiKeySecret()), console);
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
        // A multi-segment parameter (Javalin's <name>) is a {name} in OpenAPI.
        out.add(m + " " + e.endpoint.path.replaceAll("<([^>]+)>", "{$1}"));
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

  /**
   * The access exports of this server ({@link SubjectAccess}): what the {@code gdpr} request
   * workflow calls to fulfil an access request, and what the download routes read.
   */
  public SubjectAccess subjectAccess() {
    return subjectAccess;
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
    if (!pipeline.close()) {
      return;
    }
    long deadline = System.nanoTime() + DRAIN.toNanos();
    while (pipeline.inFlight() > 0 && System.nanoTime() < deadline) {
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
}
