package io.hyrelog.jobs;

/** Why a {@link JobRun} happened. */
public enum JobTrigger {
  /** The job's schedule came due. */
  SCHEDULE,
  /** An operator or a test asked for it (synchronously or enqueued). */
  MANUAL,
  /** An earlier attempt failed or timed out and the policy allows another. */
  RETRY,
  /** The worker of an earlier attempt died; another worker picked the run up. */
  RECOVERY
}
