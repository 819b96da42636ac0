-- Background jobs (docs: README "Background jobs").
--
-- scheduled_tasks is db-scheduler's own table, as its documentation gives it for PostgreSQL
-- (version 16): one row per scheduled execution; a scheduler picks a due row by flipping
-- "picked" under optimistic locking (version), heartbeats it while it runs, and another
-- scheduler revives it when the heartbeat goes stale (a dead worker).
CREATE TABLE scheduled_tasks (
  task_name            text NOT NULL,
  task_instance        text NOT NULL,
  task_data            bytea,
  execution_time       timestamp with time zone NOT NULL,
  picked               boolean NOT NULL,
  picked_by            text,
  last_success         timestamp with time zone,
  last_failure         timestamp with time zone,
  consecutive_failures int,
  last_heartbeat       timestamp with time zone,
  version              bigint NOT NULL,
  priority             smallint,
  PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);

-- The history: one row per attempt of a job (and one per enqueued run not yet attempted).
-- "execution" names the db-scheduler execution (task_name/task_instance) an attempt belongs
-- to, so the attempts of a dead worker can be found and marked DEAD.
CREATE TABLE job_runs (
  run_id      uuid PRIMARY KEY,
  job_type    text NOT NULL,
  region      text NOT NULL,
  status      text NOT NULL
    CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'DEAD', 'TIMED_OUT')),
  trigger     text NOT NULL CHECK (trigger IN ('SCHEDULE', 'MANUAL', 'RETRY', 'RECOVERY')),
  attempt     int NOT NULL CHECK (attempt >= 1),
  as_of       timestamptz NOT NULL,
  input       jsonb NOT NULL,
  queued_at   timestamptz NOT NULL,
  started_at  timestamptz,
  finished_at timestamptz,
  result      jsonb,
  error       text,
  worker      text,
  execution   text,
  CHECK ((status = 'QUEUED') = (started_at IS NULL)),
  CHECK ((status IN ('QUEUED', 'RUNNING')) = (finished_at IS NULL)),
  CHECK (result IS NULL OR status = 'SUCCEEDED'),
  CHECK (jsonb_typeof(input) = 'object'),
  CHECK (result IS NULL OR jsonb_typeof(result) = 'object')
);
CREATE INDEX job_runs_type_time ON job_runs (job_type, queued_at DESC);
CREATE INDEX job_runs_unfinished ON job_runs (execution) WHERE status IN ('QUEUED', 'RUNNING');

DO $$
BEGIN
  IF '${appRole}' <> '' THEN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON scheduled_tasks TO %I', '${appRole}');
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON job_runs TO %I', '${appRole}');
  END IF;
END $$;
