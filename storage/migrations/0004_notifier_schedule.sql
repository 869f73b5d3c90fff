-- Warden schema, version 4: when a periodic job last did its work, shared by every replica.
--
-- One row per job (the expiration notifier's is 'token_expiration_notifier'). A replica
-- claims a run with one conditional upsert (storage/schedule_store.cc), so with many
-- replicas exactly one wins each period, and a restarted replica sees the last run.
CREATE TABLE job_runs (
  job      text PRIMARY KEY CHECK (char_length(job) BETWEEN 1 AND 64),
  last_run timestamptz NOT NULL
);
