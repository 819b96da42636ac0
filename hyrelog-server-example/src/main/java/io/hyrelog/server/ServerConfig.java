package io.hyrelog.server;

import io.hyrelog.server.config.ConfigException;
import io.hyrelog.server.config.EvidenceSettings;
import io.hyrelog.server.config.SigningSettings;
import io.hyrelog.server.config.WebhookSettings;
import io.hyrelog.server.config.WitnessSettings;
import io.hyrelog.server.config.ComplianceExportSettings;
import io.hyrelog.DataRegion;
import io.hyrelog.IpRange;
import io.hyrelog.PlanTier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's settings, read from environment variables ({@code PORT} and {@code HYRELOG_*};
 * see docs/configuration.md and {@link ServerEnvironment}). Immutable.
 *
 * @param port the HTTP port; 0 picks a free one
 * @param host the address to listen on
 * @param dataDir where the embedded database, generated secrets and demo credentials live
 * @param databaseUrls one JDBC URL per region; empty means the embedded default
 * @param apiKeySecret the HMAC secret of API keys; required with external databases
 * @param internalToken the token of {@code /internal/*}; required with external databases
 * @param rateLimitApiKeyPerMin requests per minute per API key
 * @param rateLimitIpPerMin requests per minute per client IP
 * @param keyManagementPerMin key creations and rotations per minute per company key
 * @param trustedProxies peers whose {@code X-Forwarded-For} is believed
 * @param maxBodyBytes the largest request body
 * @param authCache how long a resolved key is reused before it is read again (revocations by
 *     another process take effect within this time); zero disables the cache
 * @param authCacheStale how long past {@code authCache} a resolved key is still accepted while
 *     the database cannot be reached (revocations made meanwhile apply once it is back); zero
 *     accepts none
 * @param publicUrl the URL printed for users, or empty for {@code http://localhost:<port>}
 * @param databasePoolSize connections per region's application pool
 * @param jsonLogs whether logs are JSON lines
 * @param jobsEnabled whether this process runs background jobs (false: an API-only replica;
 *     it still enqueues runs for the others and serves the ops routes)
 * @param jobsPollInterval how often each region's job scheduler looks for due runs
 * @param jobsHeartbeatInterval how often a running job's heartbeat is written; a run whose
 *     worker misses 6 in a row is taken over by another process
 * @param jobsThreads job runs one region's scheduler runs at once
 * @param archive where archive segments go (a local directory or S3)
 * @param dashboardToken the service token of {@code /dashboard/*} ({@code x-dashboard-token});
 *     embedded mode generates one when unset, external mode without it disables the dashboard
 *     routes
 * @param evidence evidence bundles: directories, envelope key, external endpoints
 * @param signing the keys that sign checkpoints and snapshots
 * @param complianceExport the {@code compliance.export} job's key, schedule and delivery
 * @param database pools and timeouts of the region databases
 * @param limits in-flight, transfer-rate and per-company limits
 * @param witness the witnesses that cosign checkpoints
 * @param webhooks the webhook sealing key and target policy
 * @param seedPlanTier the plan of the demo tenant ({@code seed} and the embedded first start;
 *     {@code SEED_PLAN_TIER}, default GROWTH)
 */
public record ServerConfig(
    int port,
    String host,
    Path dataDir,
    Map<DataRegion, String> databaseUrls,
    Optional<String> apiKeySecret,
    Optional<String> internalToken,
    int rateLimitApiKeyPerMin,
    int rateLimitIpPerMin,
    int keyManagementPerMin,
    List<IpRange> trustedProxies,
    int maxBodyBytes,
    Duration authCache,
    Duration authCacheStale,
    Optional<String> publicUrl,
    int databasePoolSize,
    boolean jsonLogs,
    boolean jobsEnabled,
    Duration jobsPollInterval,
    Duration jobsHeartbeatInterval,
    int jobsThreads,
    ArchiveSettings archive,
    Optional<String> dashboardToken,
    EvidenceSettings evidence,
    SigningSettings signing,
    ComplianceExportSettings complianceExport,
    DatabaseSettings database,
    LimitSettings limits,
    WitnessSettings witness,
    WebhookSettings webhooks,
    PlanTier seedPlanTier) {

  /** The variables read here (and by the logging set-up); see {@link ServerEnvironment}. */
  static final List<String> VARIABLES;
  /** Those of {@link #VARIABLES} that hold secrets (database URLs may hold a password). */
  static final List<String> SECRETS;

  static {
    List<String> urls = new ArrayList<>(List.of("HYRELOG_DATABASE_URL"));
    for (DataRegion r : DataRegion.values()) {
      urls.add("HYRELOG_DATABASE_URL_" + r.name());
    }
    List<String> all = new ArrayList<>(List.of("PORT", "SEED_PLAN_TIER", "HYRELOG_HOST",
        "HYRELOG_DATA_DIR"));
    all.addAll(urls);
    all.addAll(List.of("HYRELOG_DEFAULT_REGION", "HYRELOG_API_KEY_SECRET",
        "HYRELOG_INTERNAL_TOKEN", "HYRELOG_DASHBOARD_TOKEN",
        "HYRELOG_RATE_LIMIT_API_KEY_PER_MIN", "HYRELOG_RATE_LIMIT_IP_PER_MIN",
        "HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN", "HYRELOG_TRUSTED_PROXIES",
        "HYRELOG_MAX_BODY_BYTES", "HYRELOG_AUTH_CACHE_SECONDS",
        "HYRELOG_AUTH_CACHE_STALE_SECONDS", "HYRELOG_PUBLIC_URL",
        "HYRELOG_DATABASE_POOL_SIZE", "HYRELOG_LOG_FORMAT", "HYRELOG_LOG_LEVEL",
        "HYRELOG_JOBS_ENABLED", "HYRELOG_JOBS_POLL_INTERVAL", "HYRELOG_JOBS_HEARTBEAT_INTERVAL",
        "HYRELOG_JOBS_THREADS"));
    VARIABLES = List.copyOf(all);
    List<String> secrets = new ArrayList<>(urls);
    secrets.addAll(List.of("HYRELOG_API_KEY_SECRET", "HYRELOG_INTERNAL_TOKEN",
        "HYRELOG_DASHBOARD_TOKEN"));
    SECRETS = List.copyOf(secrets);
  }

  public ServerConfig {
    if (port < 0 || port > 65535) {
      throw new ConfigException("PORT must be 0..65535, got " + port);
    }
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Map<DataRegion, String> urls = new EnumMap<>(DataRegion.class);
    urls.putAll(databaseUrls);
    databaseUrls = Collections.unmodifiableMap(urls);
    Objects.requireNonNull(apiKeySecret, "apiKeySecret");
    Objects.requireNonNull(internalToken, "internalToken");
    trustedProxies = List.copyOf(trustedProxies);
    Objects.requireNonNull(authCache, "authCache");
    Objects.requireNonNull(authCacheStale, "authCacheStale");
    Objects.requireNonNull(publicUrl, "publicUrl");
    Objects.requireNonNull(jobsPollInterval, "jobsPollInterval");
    Objects.requireNonNull(jobsHeartbeatInterval, "jobsHeartbeatInterval");
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(evidence, "evidence");
    Objects.requireNonNull(signing, "signing");
    Objects.requireNonNull(complianceExport, "complianceExport");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(witness, "witness");
    Objects.requireNonNull(webhooks, "webhooks");
    Objects.requireNonNull(seedPlanTier, "seedPlanTier");
    apiKeySecret.ifPresent(s -> requireSecret("HYRELOG_API_KEY_SECRET", s));
    internalToken.ifPresent(s -> requireSecret("HYRELOG_INTERNAL_TOKEN", s));
    Objects.requireNonNull(dashboardToken, "dashboardToken");
    dashboardToken.ifPresent(s -> requireSecret("HYRELOG_DASHBOARD_TOKEN", s));
  }

  /** Whether the server starts its own PostgreSQL under {@link #dataDir()}. */
  public boolean embedded() {
    return databaseUrls.isEmpty();
  }

  /** The defaults of embedded mode, as if no variable were set. */
  public static ServerConfig defaults() {
    return fromEnv(Map.of());
  }

  /**
   * Reads the settings from {@code variables} (secrets may come from {@code <NAME>_FILE}, see
   * {@link ServerEnvironment#resolve}).
   *
   * @throws ConfigException naming the variable and what it should hold, or an unknown {@code
   *     HYRELOG_*} variable and the closest known one
   */
  public static ServerConfig fromEnv(Map<String, String> variables) {
    Map<String, String> env = ServerEnvironment.resolve(variables);
    Env e = new Env(env);
    Map<DataRegion, String> urls = new EnumMap<>(DataRegion.class);
    e.get("HYRELOG_DATABASE_URL").ifPresent(u -> urls.put(
        e.region("HYRELOG_DEFAULT_REGION", DataRegion.US), DatabaseUrls.toJdbc(
            "HYRELOG_DATABASE_URL", u)));
    for (DataRegion r : DataRegion.values()) {
      String name = "HYRELOG_DATABASE_URL_" + r.name();
      e.get(name).ifPresent(u -> {
        if (urls.containsKey(r)) {
          throw new ConfigException(name + " and HYRELOG_DATABASE_URL both configure region "
              + r + "; set one of them");
        }
        urls.put(r, DatabaseUrls.toJdbc(name, u));
      });
    }
    List<IpRange> proxies = new ArrayList<>();
    e.get("HYRELOG_TRUSTED_PROXIES").ifPresent(list -> {
      for (String s : list.split(",")) {
        if (!s.isBlank()) {
          try {
            proxies.add(IpRange.parse(s.strip()));
          } catch (IllegalArgumentException x) {
            throw new ConfigException("HYRELOG_TRUSTED_PROXIES holds a comma-separated list of"
                + " IP addresses or CIDR blocks: " + x.getMessage());
          }
        }
      }
    });
    String format = e.get("HYRELOG_LOG_FORMAT").orElse("text").toLowerCase(Locale.ROOT);
    if (!format.equals("text") && !format.equals("json")) {
      throw new ConfigException("HYRELOG_LOG_FORMAT must be text or json, got '" + format + "'");
    }
    Path dataDir = Path.of(e.get("HYRELOG_DATA_DIR").orElse("hyrelog-data"));
    int jobsThreads = e.integer("HYRELOG_JOBS_THREADS", 4, 1, 100);
    return new ServerConfig(
        e.integer("PORT", 3000, 0, 65535),
        e.get("HYRELOG_HOST").orElse("0.0.0.0"),
        dataDir,
        urls,
        e.get("HYRELOG_API_KEY_SECRET"),
        e.get("HYRELOG_INTERNAL_TOKEN"),
        e.integer("HYRELOG_RATE_LIMIT_API_KEY_PER_MIN", 1200, 1, 100_000_000),
        e.integer("HYRELOG_RATE_LIMIT_IP_PER_MIN", 600, 1, 100_000_000),
        e.integer("HYRELOG_RATE_LIMIT_KEY_MANAGEMENT_PER_MIN", 10, 1, 100_000),
        proxies,
        e.integer("HYRELOG_MAX_BODY_BYTES", 4 * 1024 * 1024, 1024, 256 * 1024 * 1024),
        Duration.ofSeconds(e.integer("HYRELOG_AUTH_CACHE_SECONDS", 5, 0, 3600)),
        Duration.ofSeconds(e.integer("HYRELOG_AUTH_CACHE_STALE_SECONDS", 300, 0, 86_400)),
        e.get("HYRELOG_PUBLIC_URL"),
        e.integer("HYRELOG_DATABASE_POOL_SIZE", 16, 2, 1000),
        format.equals("json"),
        e.bool("HYRELOG_JOBS_ENABLED", true),
        e.duration("HYRELOG_JOBS_POLL_INTERVAL", Duration.ofSeconds(10)),
        e.duration("HYRELOG_JOBS_HEARTBEAT_INTERVAL", Duration.ofSeconds(30)),
        jobsThreads,
        ArchiveSettings.fromEnv(env, dataDir),
        e.get("HYRELOG_DASHBOARD_TOKEN"),
        EvidenceSettings.fromEnv(env, dataDir),
        SigningSettings.fromEnv(env),
        ComplianceExportSettings.fromEnv(env, dataDir),
        DatabaseSettings.fromEnv(env, jobsThreads),
        LimitSettings.fromEnv(env),
        WitnessSettings.fromEnv(env),
        WebhookSettings.fromEnv(env),
        e.planTier("SEED_PLAN_TIER", PlanTier.GROWTH));
  }

  /** A copy with another port. */
  public ServerConfig withPort(int p) {
    return new ServerConfig(p, host, dataDir, databaseUrls, apiKeySecret, internalToken,
        rateLimitApiKeyPerMin, rateLimitIpPerMin, keyManagementPerMin, trustedProxies,
        maxBodyBytes, authCache, authCacheStale, publicUrl, databasePoolSize, jsonLogs,
        jobsEnabled, jobsPollInterval, jobsHeartbeatInterval, jobsThreads, archive,
        dashboardToken, evidence, signing, complianceExport, database, limits, witness,
        webhooks, seedPlanTier);
  }

  private static void requireSecret(String name, String value) {
    if (value.length() < 16) {
      throw new ConfigException(name + " must be at least 16 characters (generate one with"
          + " `openssl rand -hex 32`)");
    }
  }

  @Override
  public String toString() {
    return "ServerConfig[port=" + port + ", dataDir=" + dataDir + ", regions="
        + (embedded() ? "embedded" : databaseUrls.keySet()) + ", archive=" + archive
        + ", secrets=<masked>]";
  }

  /** Typed reads of the variables, each failure naming its variable. */
  record Env(Map<String, String> env) {
    Optional<String> get(String name) {
      String v = env.get(name);
      return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    int integer(String name, int dflt, int min, int max) {
      Optional<String> v = get(name);
      if (v.isEmpty()) {
        return dflt;
      }
      try {
        int n = Integer.parseInt(v.get());
        if (n < min || n > max) {
          throw new NumberFormatException();
        }
        return n;
      } catch (NumberFormatException x) {
        throw new ConfigException(name + " must be an integer in " + min + ".." + max
            + ", got '" + v.get() + "'");
      }
    }

    boolean bool(String name, boolean dflt) {
      Optional<String> v = get(name);
      if (v.isEmpty()) {
        return dflt;
      }
      String b = v.get().toLowerCase(Locale.ROOT);
      if (!b.equals("true") && !b.equals("false")) {
        throw new ConfigException(name + " must be true or false, got '" + v.get() + "'");
      }
      return b.equals("true");
    }

    /** {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, or ISO 8601 ({@code PT10S}). */
    Duration duration(String name, Duration dflt) {
      Optional<String> v = get(name);
      if (v.isEmpty()) {
        return dflt;
      }
      String t = v.get().toLowerCase(Locale.ROOT);
      Duration d = null;
      try {
        if (t.startsWith("pt")) {
          d = Duration.parse(t);
        } else {
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h)")
              .matcher(t);
          if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              default -> Duration.ofHours(n);
            };
          }
        }
      } catch (java.time.format.DateTimeParseException x) {
        d = null;
      }
      if (d == null || d.compareTo(Duration.ofMillis(10)) < 0
          || d.compareTo(Duration.ofDays(1)) > 0) {
        throw new ConfigException(name + " must be a duration from 10ms to 24h such as 500ms,"
            + " 10s, 5m or 1h, got '" + v.get() + "'");
      }
      return d;
    }

    PlanTier planTier(String name, PlanTier dflt) {
      Optional<String> v = get(name);
      if (v.isEmpty()) {
        return dflt;
      }
      try {
        return PlanTier.valueOf(v.get().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException x) {
        throw new ConfigException(name + " must be one of FREE, STARTER, GROWTH, ENTERPRISE,"
            + " got '" + v.get() + "'");
      }
    }

    DataRegion region(String name, DataRegion dflt) {
      Optional<String> v = get(name);
      if (v.isEmpty()) {
        return dflt;
      }
      try {
        return DataRegion.valueOf(v.get().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException x) {
        throw new ConfigException(name + " must be one of US, EU, UK, AU, got '" + v.get()
            + "'");
      }
    }
  }
}
