/**
 * Background jobs: what a job is (its type, input schema and policy) and the handler that runs
 * it, independent of any scheduler. A {@link io.hyrelog.jobs.JobRegistry} lists the definitions
 * a process knows; a runner (the example server uses db-scheduler on PostgreSQL) decides when
 * and where each run happens and records it as a {@link io.hyrelog.jobs.JobRun}.
 *
 * <p>All time a handler sees comes from {@link io.hyrelog.jobs.JobContext#clock()} and {@link
 * io.hyrelog.jobs.JobContext#asOf()}, so jobs are tested on a virtual clock and re-run for a
 * past instant.
 */
package io.hyrelog.jobs;
