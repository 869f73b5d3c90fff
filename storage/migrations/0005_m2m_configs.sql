-- Machine-to-machine configurations (SPEC §4): one per trusted OIDC issuer, with its
-- claim-to-role mappings. A mapping's role cannot disappear under it: the foreign key
-- holds it, and RoleStore::DeleteRole names the configurations that use a role.
CREATE TABLE m2m_configs (
  id uuid PRIMARY KEY,
  type text NOT NULL CHECK (type IN ('generic', 'github_actions', 'kube_service_account')),
  issuer text NOT NULL UNIQUE,
  audiences text[] NOT NULL DEFAULT '{}',
  allow_any_audience boolean NOT NULL DEFAULT false,
  token_lifetime_ms bigint NOT NULL CHECK (token_lifetime_ms BETWEEN 60000 AND 86400000),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- No audience means any audience only when a person said so explicitly.
  CHECK (allow_any_audience OR cardinality(audiences) > 0)
);

CREATE TABLE m2m_mappings (
  config_id uuid NOT NULL REFERENCES m2m_configs (id) ON DELETE CASCADE,
  position integer NOT NULL,
  claim_key text NOT NULL CHECK (claim_key <> ''),
  value_expression text NOT NULL,
  role text NOT NULL REFERENCES roles (name),
  PRIMARY KEY (config_id, position)
);

CREATE INDEX m2m_mappings_role_idx ON m2m_mappings (role);
