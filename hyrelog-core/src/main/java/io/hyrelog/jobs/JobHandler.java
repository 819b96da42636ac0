package io.hyrelog.jobs;

/**
 * The work of one job type. Implementations must be thread-safe (runs of different regions and
 * an on-demand run can overlap), should be idempotent for a given {@link JobContext#asOf()} (a
 * run whose worker died is run again), and should stop promptly when their thread is
 * interrupted (that is how a timeout ends them).
 */
@FunctionalInterface
public interface JobHandler {
  /**
   * Runs the job once.
   *
   * @param ctx the run's id, type, partition, time and input
   * @return a summary of what was done, stored with the run
   * @throws Exception to fail this attempt; its message (never a stack trace) is stored with
   *     the run, so it must not contain secrets
   */
  JobResult run(JobContext ctx) throws Exception;
}
