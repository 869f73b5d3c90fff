-- pgbench script for scripts/bench: TokenStore::Insert's work (lock the named roles FOR KEY
-- SHARE, insert the metadata only if every role still exists) as ONE statement in its own
-- implicit transaction: one round trip instead of four (BEGIN, SELECT, INSERT, COMMIT).
-- What the store could reach if it sent this instead (see docs/performance.md).
\set n random(1, 1000000000)
WITH locked AS (
  SELECT name FROM roles WHERE name = ANY(ARRAY['Analyst']) FOR KEY SHARE)
INSERT INTO tokens (id, name, roles, issued_at, expires_at, revoked, revoked_at, created_by)
SELECT gen_random_uuid(), 'pgbench ' || :n, ARRAY['Analyst'], now(),
       now() + interval '365 days', false, NULL, 'admin'
WHERE (SELECT count(*) FROM locked) = cardinality(ARRAY['Analyst']);
