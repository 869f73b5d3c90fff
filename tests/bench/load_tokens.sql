-- Bulk-loads the tokens table for scripts/bench: :tokens tokens issued evenly over the last
-- two years, each for one year (the default lifetime), so the older half has expired and
-- the newer half is live; :revoked of the live half are revoked (spread evenly), so that
-- every one of them is in the revocation view a starting server loads.
--   psql -v tokens=1000000 -v revoked=100000 -f load_tokens.sql
-- REQUIRES: the Warden schema (storage/migrations), tokens / 2 divisible by revoked.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO tokens (id, name, roles, issued_at, expires_at, revoked, revoked_at, created_by,
                    expired)
SELECT gen_random_uuid(), 'bulk token ' || i, ARRAY['Analyst'], issued,
       issued + interval '365 days', revoked,
       CASE WHEN revoked THEN LEAST(issued + interval '1 day', now()) END, 'admin',
       -- as a running server's expiry sweep leaves them (migration 0009)
       issued + interval '365 days' <= now()
FROM (SELECT i, now() - (:tokens - i) * (interval '730 days' / :tokens) AS issued,
             i > :tokens / 2 AND i % (:tokens / 2 / :revoked) = 0 AS revoked
      FROM generate_series(1, :tokens) AS i) AS t;
-- Since migration 0009 the expiry sweep flags expired tokens; a live server has flagged
-- these long ago, so the load starts from that steady state (skipped on older schemas).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns
             WHERE table_name = 'tokens' AND column_name = 'expired') THEN
    EXECUTE 'UPDATE tokens SET expired = true WHERE expires_at <= now()';
  END IF;
END $$;
COMMIT;
VACUUM ANALYZE tokens;
