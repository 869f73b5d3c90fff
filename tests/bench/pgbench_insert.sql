-- pgbench script for scripts/bench: the single-row INSERT of a token's metadata into the
-- real tokens table, one statement per transaction (autocommit). The baseline of
-- GenerateToken's target.
\set n random(1, 1000000000)
INSERT INTO tokens (id, name, roles, issued_at, expires_at, revoked, revoked_at, created_by)
VALUES (gen_random_uuid(), 'pgbench ' || :n, ARRAY['Analyst'], now(),
        now() + interval '365 days', false, NULL, 'admin');
