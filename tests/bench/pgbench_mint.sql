-- pgbench script for scripts/bench: the transaction TokenStore::Insert runs for each
-- GenerateToken (storage/token_store.cc): lock the named roles FOR KEY SHARE, insert the
-- metadata, commit. The ceiling of what the server could reach with the same SQL.
\set n random(1, 1000000000)
BEGIN;
SELECT name FROM roles WHERE name = ANY(ARRAY['Analyst']) ORDER BY name COLLATE "C" FOR KEY SHARE;
INSERT INTO tokens (id, name, roles, issued_at, expires_at, revoked, revoked_at, created_by)
VALUES (gen_random_uuid(), 'pgbench ' || :n, ARRAY['Analyst'], now(),
        now() + interval '365 days', false, NULL, 'admin');
COMMIT;
