-- Warden schema, version 13: people sign in through OIDC auth providers (SPEC §6a, issue 17).
--
-- 1. auth_providers and their claim-to-role rules. Like an M2M mapping's, a rule's role and
--    a provider's minimum role cannot disappear under it: the foreign keys hold them, and
--    RoleStore::DeleteRole names the providers that use a role. A provider's revision is
--    raised by each change that could take a role from someone (SessionsSurvive in
--    domain/auth_provider.h); session tokens carry it and die when it moves on.
-- 2. Every change to a provider or its rules, whoever makes it (the API, the declarative
--    file, psql), notifies channel warden_auth_providers (AuthProviderStore::kChangeChannel)
--    with the provider's id, so that every replica reloads its providers within
--    milliseconds. PostgreSQL folds identical notifications within a transaction.
-- 3. sign_in_states: the `state`s of sign-ins completed or tried, so that each works once on
--    every replica; rows are pruned once expired.
-- 4. tokens.created_by_name: the creator's name when it minted the token. warden_mint_token
--    gains a p_created_by_name overload; the one of migration 0011 stays, for the previous
--    release's replicas during a rolling update (they mint with created_by_name ''). Drop it
--    in a later release.

CREATE TABLE auth_providers (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  revision bigint NOT NULL DEFAULT 1,
  issuer text NOT NULL,
  client_id text NOT NULL,
  client_secret_file text NOT NULL DEFAULT '',
  scopes text[] NOT NULL DEFAULT '{}',
  name_claim text NOT NULL DEFAULT '',
  -- NULL: None.
  minimum_role text REFERENCES roles (name),
  origin text NOT NULL DEFAULT 'api' CHECK (origin IN ('api', 'declarative')),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT auth_providers_name_unique UNIQUE (name),
  CONSTRAINT auth_providers_issuer_client_unique UNIQUE (issuer, client_id)
);

CREATE INDEX auth_providers_minimum_role_idx ON auth_providers (minimum_role);

CREATE TABLE auth_provider_rules (
  provider_id uuid NOT NULL REFERENCES auth_providers (id) ON DELETE CASCADE,
  position integer NOT NULL,
  claim_key text NOT NULL,
  value_expression text NOT NULL,
  role text NOT NULL REFERENCES roles (name),
  PRIMARY KEY (provider_id, position)
);

CREATE INDEX auth_provider_rules_role_idx ON auth_provider_rules (role);

CREATE FUNCTION warden_notify_auth_provider_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'auth_providers' THEN
    PERFORM pg_notify('warden_auth_providers',
                      CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END::text);
  ELSE
    PERFORM pg_notify('warden_auth_providers',
                      CASE WHEN TG_OP = 'DELETE' THEN OLD.provider_id
                           ELSE NEW.provider_id END::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER auth_providers_changed AFTER INSERT OR UPDATE OR DELETE ON auth_providers
  FOR EACH ROW EXECUTE FUNCTION warden_notify_auth_provider_changed();
CREATE TRIGGER auth_provider_rules_changed AFTER INSERT OR UPDATE OR DELETE ON auth_provider_rules
  FOR EACH ROW EXECUTE FUNCTION warden_notify_auth_provider_changed();

CREATE TABLE sign_in_states (
  state_id text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);

CREATE INDEX sign_in_states_expires_at_idx ON sign_in_states (expires_at);

-- A constant default: no table rewrite.
ALTER TABLE tokens ADD COLUMN created_by_name text NOT NULL DEFAULT '';

-- The mint of migration 0011 with the creator's name. Returns and checks as that one does.
CREATE FUNCTION warden_mint_token(
    p_id uuid, p_name text, p_roles text[], p_issued_at timestamptz, p_expires_at timestamptz,
    p_revoked boolean, p_revoked_at timestamptz, p_created_by text, p_root text,
    p_max_live integer, p_role_generation bigint, p_created_by_name text,
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
                      root_principal, created_by_name)
  VALUES (p_id, p_name, p_roles, p_issued_at, p_expires_at, p_revoked,
          CASE WHEN p_revoked THEN p_revoked_at END, p_created_by, p_root, p_created_by_name);
END
$$;
