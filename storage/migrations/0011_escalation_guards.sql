-- Warden schema, version 11: what closes the escalation paths (docs/security.md).
--
-- 1. A role generation. Every change to roles, permission sets, their entries or access
--    scopes (through the API, the declarative file or psql) bumps it while holding the roles
--    write lock, an exclusive advisory lock; a mint holds the same lock shared and refuses
--    (stale) when the generation its replica checked the escalation rule against is no longer
--    the current one. So a mint can never commit on role definitions that another replica has
--    already changed: either the mint commits first (and the change comes after it), or the
--    mint sees the new generation and is checked again.
-- 2. tokens.root_principal: the identity at the root of a token's chain of creators (a person,
--    the admin, an M2M identity), against which the live-token cap is counted, so that tokens
--    minting tokens do not multiply it.
-- 3. m2m_configs.revision, raised by every update: exchanged tokens carry it and die with it,
--    so that fixing an over-broad mapping reaches tokens already exchanged.

CREATE TABLE role_generation (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  generation bigint NOT NULL
);
INSERT INTO role_generation (generation) VALUES (1);

-- The advisory lock key of role writes (exclusive) and mints (shared).
CREATE FUNCTION warden_roles_lock_key() RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT hashtextextended('warden.roles.write', 0) $$;

-- Takes the roles write lock (a no-op when this transaction holds it already) and bumps the
-- generation. Returns the new generation.
CREATE FUNCTION warden_begin_role_write() RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  bumped bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(warden_roles_lock_key());
  UPDATE role_generation SET generation = generation + 1 RETURNING generation INTO bumped;
  RETURN bumped;
END
$$;

-- The current generation, read under the shared lock so that no role write is half done:
-- the caller's later statements (READ COMMITTED) see exactly the roles of this generation
-- until its transaction ends.
CREATE FUNCTION warden_role_generation_shared() RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(warden_roles_lock_key());
  RETURN (SELECT generation FROM role_generation);
END
$$;

CREATE FUNCTION warden_role_generation_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM warden_begin_role_write();
  RETURN NULL;
END;
$$;

CREATE TRIGGER roles_generation AFTER INSERT OR UPDATE OR DELETE ON roles
  FOR EACH STATEMENT EXECUTE FUNCTION warden_role_generation_bump();
CREATE TRIGGER permission_sets_generation AFTER INSERT OR UPDATE OR DELETE ON permission_sets
  FOR EACH STATEMENT EXECUTE FUNCTION warden_role_generation_bump();
CREATE TRIGGER permission_set_entries_generation
  AFTER INSERT OR UPDATE OR DELETE ON permission_set_entries
  FOR EACH STATEMENT EXECUTE FUNCTION warden_role_generation_bump();
CREATE TRIGGER access_scopes_generation AFTER INSERT OR UPDATE OR DELETE ON access_scopes
  FOR EACH STATEMENT EXECUTE FUNCTION warden_role_generation_bump();

-- The chain's root: a token created by token X has X's root; anything else is its own root.
ALTER TABLE tokens ADD COLUMN root_principal text;
WITH RECURSIVE chain (id, root) AS (
  SELECT id, created_by FROM tokens WHERE created_by NOT LIKE 'token:%'
  UNION ALL
  SELECT t.id, c.root FROM tokens t JOIN chain c ON t.created_by = 'token:' || c.id::text
)
UPDATE tokens SET root_principal = chain.root FROM chain WHERE tokens.id = chain.id;
-- Tokens whose creator token is gone (or never was a token of this database).
UPDATE tokens SET root_principal = created_by WHERE root_principal IS NULL;
-- Not NOT NULL: warden_mint_token always sets it, and rows written by hand (bulk loads,
-- benchmarks) without it simply count against no root's cap.

DROP INDEX tokens_creator_unrevoked;
CREATE INDEX tokens_root_unrevoked ON tokens (root_principal, expires_at) WHERE NOT revoked;

ALTER TABLE m2m_configs ADD COLUMN revision bigint NOT NULL DEFAULT 1;

-- The mint of migration 0010, with the generation check and the cap counted per root.
-- Returns (live, missing_roles, stale), and inserts only when all three are clear:
--   live           as before, counted over the root's live tokens;
--   missing_roles  as before;
--   stale          true when p_role_generation is set and is not the current generation.
DROP FUNCTION warden_mint_token(uuid, text, text[], timestamptz, timestamptz, boolean,
                                timestamptz, text, integer);
CREATE FUNCTION warden_mint_token(
    p_id uuid, p_name text, p_roles text[], p_issued_at timestamptz, p_expires_at timestamptz,
    p_revoked boolean, p_revoked_at timestamptz, p_created_by text, p_root text,
    p_max_live integer, p_role_generation bigint,
    OUT live integer, OUT missing_roles text[], OUT stale boolean)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  counted integer;
  locked text[];
BEGIN
  live := NULL;
  missing_roles := '{}';
  stale := false;
  IF p_max_live > 0 THEN
    -- Serializes one root's mints until commit (index tokens_root_unrevoked).
    PERFORM pg_advisory_xact_lock(hashtextextended('warden.tokens.root:' || p_root, 0));
    SELECT count(*) INTO counted FROM (
      SELECT 1 FROM tokens
      WHERE root_principal = p_root AND NOT revoked AND expires_at > p_issued_at
      LIMIT p_max_live) AS live_tokens;
    IF counted >= p_max_live THEN
      live := counted;
      RETURN;
    END IF;
  END IF;
  IF p_role_generation IS NOT NULL THEN
    -- Held until commit: no role write can commit between this check and the insert.
    IF warden_role_generation_shared() <> p_role_generation THEN
      stale := true;
      RETURN;
    END IF;
  END IF;
  SELECT coalesce(array_agg(name), '{}') INTO locked FROM (
    SELECT name FROM roles WHERE name = ANY(p_roles) ORDER BY name COLLATE "C" FOR KEY SHARE)
    AS named;
  missing_roles := ARRAY(
    SELECT role FROM unnest(p_roles) WITH ORDINALITY AS wanted(role, position)
    WHERE NOT role = ANY(locked) GROUP BY role ORDER BY min(position));
  IF cardinality(missing_roles) > 0 THEN
    RETURN;
  END IF;
  INSERT INTO tokens (id, name, roles, issued_at, expires_at, revoked, revoked_at, created_by,
                      root_principal)
  VALUES (p_id, p_name, p_roles, p_issued_at, p_expires_at, p_revoked,
          CASE WHEN p_revoked THEN p_revoked_at END, p_created_by, p_root);
END
$$;
