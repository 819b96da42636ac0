package io.hyrelog.jobs;

/** Where a {@link JobRun} is. Every status but {@link #QUEUED} and {@link #RUNNING} is final. */
public enum JobStatus {
  /** Enqueued to run once somewhere in the cluster; no worker has picked it yet. */
  QUEUED,
  /** A worker is running it. */
  RUNNING,
  /** The handler returned a result. */
  SUCCEEDED,
  /** The handler threw; the error message says why. */
  FAILED,
  /** The worker running it stopped heartbeating (killed, crashed); another worker took over. */
  DEAD,
  /** The handler ran longer than the policy's timeout and was interrupted. */
  TIMED_OUT;

  /**
   * Whether the run has ended.
   *
   * @return true for SUCCEEDED, FAILED and DEAD
   */
  public boolean isFinal() {
    return this != QUEUED && this != RUNNING;
  }
}
