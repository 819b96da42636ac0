package io.hyrelog.server;

import io.hyrelog.server.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Connection pools and timeouts of each region's database. Every region gets three pools, one
 * per role, so no role can take another's connections: the API pool (request handlers; its
 * size is {@code HYRELOG_DATABASE_POOL_SIZE}), the writers' pool (one connection per group
 * commit writer, appends only) and the jobs' pool (background jobs and {@code /ops/jobs}).
 * {@code /internal/health} opens its own connection. A stalled database holds a request at
 * most {@code poolTimeout} (waiting for a connection) or a statement timeout plus the socket
 * margin (a statement under way), and an append at most {@code appendTimeout} in the queue.
 *
 * @param writers group commit writers per region, and so the writers' pool size
 * @param jobsPoolSize connections of the jobs' pool per region
 * @param connectTimeout to open a connection (TCP and login; pgjdbc {@code connectTimeout},
 *     {@code loginTimeout})
 * @param poolTimeout how long a request waits for a pooled connection (Hikari {@code
 *     connectionTimeout}) of the API and writers' pools
 * @param statementTimeout the API pool's {@code statement_timeout}
 * @param writeTimeout the writers' pool's {@code statement_timeout}
 * @param jobsStatementTimeout the jobs' pool's {@code statement_timeout}
 * @param appendTimeout how long an append may wait for a writer before it is refused (503,
 *     nothing stored)
 */
public record DatabaseSettings(int writers, int jobsPoolSize, Duration connectTimeout,
    Duration poolTimeout, Duration statementTimeout, Duration writeTimeout,
    Duration jobsStatementTimeout, Duration appendTimeout) {

  /**
   * What a stalled connection may add to a statement's time before the client gives up on the
   * socket: the server's own statement timeout fires first when the database is alive.
   */
  public static final Duration SOCKET_MARGIN = Duration.ofSeconds(5);

  /** The variables read here; see {@link ServerEnvironment}. */
  static final List<String> VARIABLES = List.of("HYRELOG_DATABASE_WRITERS",
      "HYRELOG_DATABASE_JOBS_POOL_SIZE", "HYRELOG_DATABASE_CONNECT_TIMEOUT",
      "HYRELOG_DATABASE_POOL_TIMEOUT", "HYRELOG_DATABASE_STATEMENT_TIMEOUT",
      "HYRELOG_DATABASE_WRITE_TIMEOUT", "HYRELOG_DATABASE_JOBS_STATEMENT_TIMEOUT",
      "HYRELOG_APPEND_TIMEOUT");

  public DatabaseSettings {
    if (writers < 1 || writers > 64) {
      throw new ConfigException("HYRELOG_DATABASE_WRITERS must be in 1..64, got " + writers);
    }
    if (jobsPoolSize < 2) {
      throw new ConfigException("HYRELOG_DATABASE_JOBS_POOL_SIZE must be at least 2, got "
          + jobsPoolSize);
    }
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(poolTimeout, "poolTimeout");
    Objects.requireNonNull(statementTimeout, "statementTimeout");
    Objects.requireNonNull(writeTimeout, "writeTimeout");
    Objects.requireNonNull(jobsStatementTimeout, "jobsStatementTimeout");
    Objects.requireNonNull(appendTimeout, "appendTimeout");
    if (poolTimeout.toMillis() < 250) {
      throw new ConfigException("HYRELOG_DATABASE_POOL_TIMEOUT must be at least 250ms, got "
          + poolTimeout.toMillis() + "ms");
    }
    if (connectTimeout.toSeconds() < 1) {
      throw new ConfigException("HYRELOG_DATABASE_CONNECT_TIMEOUT must be at least 1s (the"
          + " driver counts whole seconds), got " + connectTimeout.toMillis() + "ms");
    }
  }

  static DatabaseSettings fromEnv(Map<String, String> env, int jobsThreads) {
    ServerConfig.Env e = new ServerConfig.Env(env);
    return new DatabaseSettings(
        e.integer("HYRELOG_DATABASE_WRITERS",
            Math.min(4, Runtime.getRuntime().availableProcessors()), 1, 64),
        e.integer("HYRELOG_DATABASE_JOBS_POOL_SIZE", jobsThreads + 4, 2, 1000),
        e.duration("HYRELOG_DATABASE_CONNECT_TIMEOUT", Duration.ofSeconds(5)),
        e.duration("HYRELOG_DATABASE_POOL_TIMEOUT", Duration.ofSeconds(5)),
        e.duration("HYRELOG_DATABASE_STATEMENT_TIMEOUT", Duration.ofSeconds(15)),
        e.duration("HYRELOG_DATABASE_WRITE_TIMEOUT", Duration.ofSeconds(5)),
        e.duration("HYRELOG_DATABASE_JOBS_STATEMENT_TIMEOUT", Duration.ofMinutes(30)),
        e.duration("HYRELOG_APPEND_TIMEOUT", Duration.ofSeconds(10)));
  }
}
