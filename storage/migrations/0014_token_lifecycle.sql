-- Warden schema, version 14: the token lifecycle (issue 18).
--
-- 1. tokens.description: what a token is for (at most 1,024 characters, checked above).
-- 2. tokens.rotated_from / rotated_to: the links RotateToken makes between a token and its
--    successor. rotated_to is set once; a token that has it cannot be rotated again.
-- 3. tokens.signed_expires_at: the expiry the token string itself carries, kept when a
--    rotation cut expires_at short (NULL: expires_at is it). Until then the token is refused
--    by the revocation view, which must hold the entry until the signed expiry passes: see
--    TokenStore::ListRevoked.
-- 4. tokens_created_by_idx: ListTokens' created_by filter and the cascade of RevokeToken,
--    which follows created_by = 'token:<id>' from a token to the tokens it minted.
-- 5. warden_mint_token gains p_description and p_rotated_from, and refuses a mint whose
--    creator is a token revoked meanwhile (creator_revoked): it reads the creator's row FOR
--    SHARE, which waits for a RevokeTree that is revoking it to commit, so a token cannot
--    mint a child that escapes a cascade revocation in flight. The overloads of migrations
--    0011 and 0013 stay for the previous releases' replicas during a rolling update.
ALTER TABLE tokens ADD COLUMN description text NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN rotated_from uuid;
ALTER TABLE tokens ADD COLUMN rotated_to uuid;
ALTER TABLE tokens ADD COLUMN signed_expires_at timestamptz;

CREATE INDEX tokens_created_by_idx ON tokens (created_by, issued_at, id);
-- Rotated tokens, whose scheduled refusal ListRevoked loads into the revocation view.
CREATE INDEX tokens_cut_short_idx ON tokens (signed_expires_at) WHERE signed_expires_at IS NOT NULL;

-- The mint of migration 0013 with a description and the token a rotation replaces. Returns
-- and checks as that one does.
CREATE FUNCTION warden_mint_token(
    p_id uuid, p_name text, p_roles text[], p_issued_at timestamptz, p_expires_at timestamptz,
    p_revoked boolean, p_revoked_at timestamptz, p_created_by text, p_root text,
    p_max_live integer, p_role_generation bigint, p_created_by_name text, p_description text,
    p_rotated_from uuid,
    OUT live integer, OUT missing_roles text[], OUT stale boolean, OUT creator_revoked boolean)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  counted integer;
  locked text[];
BEGIN
  live := NULL;
  missing_roles := '{}';
  stale := false;
  creator_revoked := false;
  IF p_created_by LIKE 'token:%' THEN
    SELECT revoked INTO creator_revoked FROM tokens
    WHERE id = substr(p_created_by, 7)::uuid FOR SHARE;
    creator_revoked := coalesce(creator_revoked, false);
    IF creator_revoked THEN
      RETURN;
    END IF;
  END IF;
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
                      root_principal, created_by_name, description, rotated_from)
  VALUES (p_id, p_name, p_roles, p_issued_at, p_expires_at, p_revoked,
          CASE WHEN p_revoked THEN p_revoked_at END, p_created_by, p_root, p_created_by_name,
          p_description, p_rotated_from);
END
$$;
