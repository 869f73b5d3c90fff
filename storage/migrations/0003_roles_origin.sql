-- Warden schema, version 3: who manages roles, permission sets and access scopes; scope
-- rules; finding the live tokens that use a role.
--
-- `origin` says who manages an object: 'built_in' (the seed; never changes), 'api'
-- (RoleService), 'declarative' (the declarative configuration file). It replaces the
-- `built_in` booleans. `built_in` stays, recomputed by PostgreSQL from `origin`, so that a
-- replica still running the previous binary during a rolling upgrade reads the truth and the
-- two can never disagree; a later migration drops it once no such binary runs.
--
-- Plain transactional DDL (no CONCURRENTLY): the migrator runs every file in one transaction
-- under its advisory lock, and these tables are small.

ALTER TABLE access_scopes ADD COLUMN origin text NOT NULL DEFAULT 'api'
  CONSTRAINT access_scopes_origin_check CHECK (origin IN ('built_in', 'api', 'declarative'));
UPDATE access_scopes SET origin = 'built_in' WHERE built_in;
ALTER TABLE access_scopes ALTER COLUMN origin DROP DEFAULT;
ALTER TABLE access_scopes DROP COLUMN built_in;
ALTER TABLE access_scopes
  ADD COLUMN built_in boolean GENERATED ALWAYS AS (origin = 'built_in') STORED;

ALTER TABLE permission_sets ADD COLUMN origin text NOT NULL DEFAULT 'api'
  CONSTRAINT permission_sets_origin_check CHECK (origin IN ('built_in', 'api', 'declarative'));
UPDATE permission_sets SET origin = 'built_in' WHERE built_in;
ALTER TABLE permission_sets ALTER COLUMN origin DROP DEFAULT;
ALTER TABLE permission_sets DROP COLUMN built_in;
ALTER TABLE permission_sets
  ADD COLUMN built_in boolean GENERATED ALWAYS AS (origin = 'built_in') STORED;

ALTER TABLE roles ADD COLUMN origin text NOT NULL DEFAULT 'api'
  CONSTRAINT roles_origin_check CHECK (origin IN ('built_in', 'api', 'declarative'));
UPDATE roles SET origin = 'built_in' WHERE built_in;
ALTER TABLE roles ALTER COLUMN origin DROP DEFAULT;
ALTER TABLE roles DROP COLUMN built_in;
ALTER TABLE roles ADD COLUMN built_in boolean GENERATED ALWAYS AS (origin = 'built_in') STORED;

-- What an access scope includes (domain ScopeRules):
--   {"clusters": ["c1", ...], "namespaces": [{"cluster": "c1", "name": "ns"}, ...]}
-- Stored as given; Warden reports it and the services that consume tokens enforce it.
ALTER TABLE access_scopes ADD COLUMN rules jsonb NOT NULL
  DEFAULT '{"clusters": [], "namespaces": []}'
  CONSTRAINT access_scopes_rules_check
    CHECK (jsonb_typeof(rules -> 'clusters') = 'array'
           AND jsonb_typeof(rules -> 'namespaces') = 'array');

-- "Which live tokens use role X?" (deleting a role): roles @> ARRAY[X] AND NOT revoked.
CREATE INDEX tokens_live_roles_idx ON tokens USING gin (roles) WHERE NOT revoked;
