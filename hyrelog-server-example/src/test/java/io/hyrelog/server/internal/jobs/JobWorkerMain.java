package io.hyrelog.server.internal.jobs;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hyrelog.jobs.JobDefinition;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobPolicy;
import io.hyrelog.jobs.JobRegistry;
import io.hyrelog.jobs.JobResult;
import java.time.Clock;
import java.time.Duration;

/**
 * A job worker in its own JVM, for {@link JobsIT}: runs a scheduler on the database at
 * {@code args[0]} as worker {@code args[1]}, where {@code test.block} blocks until the process
 * is killed. Prints {@value #STARTED} once polling.
 */
public final class JobWorkerMain {
  static final String STARTED = "WORKER-STARTED";
  static final String TYPE = "test.block";

  private JobWorkerMain() {}

  static JobPolicy policy() {
    return JobPolicy.of(3, Duration.ofHours(1)).withRetryDelay(Duration.ofMillis(100));
  }

  static JobSettings settings(String worker) {
    return new JobSettings(true, Duration.ofMillis(100), Duration.ofMillis(100), 4, 2, worker);
  }

  public static void main(String[] args) throws Exception {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(args[0]);
    c.setMaximumPoolSize(4);
    HikariDataSource ds = new HikariDataSource(c);
    JobRegistry registry = JobRegistry.builder().add(new JobDefinition(TYPE, "blocks",
        JobInputSchema.none(), policy(), ctx -> {
          System.out.println("BLOCKING " + ctx.runId());
          Thread.sleep(Long.MAX_VALUE);
          return JobResult.empty();
        })).build();
    RegionScheduler s = new RegionScheduler("US", ds, registry, settings(args[1]),
        Clock.systemUTC());
    s.start();
    System.out.println(STARTED);
    Thread.sleep(Long.MAX_VALUE);
  }
}
