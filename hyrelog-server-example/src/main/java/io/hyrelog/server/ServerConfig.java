package io.hyrelog.server;

import io.hyrelog.DataRegion;
import io.hyrelog.IpRange;
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
 * see the README's configuration table). Immutable.
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
 * @param publicUrl the URL printed for users, or empty for {@code http://localhost:<port>}
 * @param databasePoolSize connections per region's application pool
 * @param jsonLogs whether logs are JSON lines
 * @param archive where archive segments go (a local directory or S3)
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
    Optional<String> publicUrl,
    int databasePoolSize,
    boolean jsonLogs,
    ArchiveSettings archive) {

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
    Objects.requireNonNull(publicUrl, "publicUrl");
    Objects.requireNonNull(archive, "archive");
    apiKeySecret.ifPresent(s -> requireSecret("HYRELOG_API_KEY_SECRET", s));
    internalToken.ifPresent(s -> requireSecret("HYRELOG_INTERNAL_TOKEN", s));
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
   * Reads the settings from {@code env}.
   *
   * @throws ConfigException naming the variable and what it should hold
   */
  public static ServerConfig fromEnv(Map<String, String> env) {
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
        e.get("HYRELOG_PUBLIC_URL"),
        e.integer("HYRELOG_DATABASE_POOL_SIZE", 16, 2, 1000),
        format.equals("json"),
        ArchiveSettings.fromEnv(env, dataDir));
  }

  /** A copy with another port. */
  public ServerConfig withPort(int p) {
    return new ServerConfig(p, host, dataDir, databaseUrls, apiKeySecret, internalToken,
        rateLimitApiKeyPerMin, rateLimitIpPerMin, keyManagementPerMin, trustedProxies,
        maxBodyBytes, authCache, publicUrl, databasePoolSize, jsonLogs, archive);
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

  /** A setting that is missing or malformed; the message names the variable. */
  public static final class ConfigException extends io.hyrelog.HyrelogException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
      super(message);
    }
  }

  private record Env(Map<String, String> env) {
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
