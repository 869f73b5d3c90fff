-- Warden schema, version 10: minting a token in one round trip (issue 8, docs/performance.md).
--
-- GenerateToken's transaction was BEGIN; [lock the creator; count its live tokens;] lock the
-- named roles FOR KEY SHARE; INSERT; COMMIT: four to six round trips to PostgreSQL for one
-- row. warden_mint_token does the same work in one statement, which TokenStore::Insert sends
-- on its own (autocommit), so the whole mint is one round trip.
--
-- The function is VOLATILE, so under READ COMMITTED each statement in it takes a fresh
-- snapshot: the count runs after the advisory lock is held and sees every token minted by
-- whoever held the lock before (a single SQL statement could not: its one snapshot would
-- predate the lock). The advisory lock and the row locks last until the statement's implicit
-- transaction commits, as before.
--
-- Returns (live, missing_roles), and inserts only when both are clear:
--   live           the creator's live tokens, counted up to p_max_live, when that reached
--                  p_max_live (nothing inserted); NULL otherwise. p_max_live <= 0: no cap.
--   missing_roles  the named roles that do not exist (nothing inserted), in the order first
--                  named, without repeats; empty when the token was inserted.
-- A duplicate p_id raises unique_violation, like the INSERT did.
CREATE FUNCTION warden_mint_token(
    p_id uuid, p_name text, p_roles text[], p_issued_at timestamptz, p_expires_at timestamptz,
    p_revoked boolean, p_revoked_at timestamptz, p_created_by text, p_max_live integer,
    OUT live integer, OUT missing_roles text[])
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  counted integer;
  locked text[];
BEGIN
  live := NULL;
  missing_roles := '{}';
  IF p_max_live > 0 THEN
    -- Serializes one creator's mints until commit (index tokens_creator_unrevoked).
    PERFORM pg_advisory_xact_lock(hashtextextended('warden.tokens.created_by:' || p_created_by, 0));
    SELECT count(*) INTO counted FROM (
      SELECT 1 FROM tokens
      WHERE created_by = p_created_by AND NOT revoked AND expires_at > p_issued_at
      LIMIT p_max_live) AS live_tokens;
    IF counted >= p_max_live THEN
      live := counted;
      RETURN;
    END IF;
  END IF;
  -- RoleStore's delete locks a role FOR UPDATE: either it waits for this mint to commit and
  -- then sees the token, or this waits and then finds the role gone. Locked in one order
  -- (COLLATE "C") so two mints never deadlock.
  SELECT coalesce(array_agg(name), '{}') INTO locked FROM (
    SELECT name FROM roles WHERE name = ANY(p_roles) ORDER BY name COLLATE "C" FOR KEY SHARE)
    AS named;
  missing_roles := ARRAY(
    SELECT role FROM unnest(p_roles) WITH ORDINALITY AS wanted(role, position)
    WHERE NOT role = ANY(locked) GROUP BY role ORDER BY min(position));
  IF cardinality(missing_roles) > 0 THEN
    RETURN;
  END IF;
  INSERT INTO tokens (id, name, roles, issued_at, expires_at, revoked, revoked_at, created_by)
  VALUES (p_id, p_name, p_roles, p_issued_at, p_expires_at, p_revoked,
          CASE WHEN p_revoked THEN p_revoked_at END, p_created_by);
END
$$;
