-- Warden schema, version 1.
--
-- Never a column for the token string: Warden stores only token metadata.
-- Times are timestamptz; the application passes and reads them as exact microseconds.

CREATE TABLE access_scopes (
  id          uuid PRIMARY KEY,
  name        text NOT NULL UNIQUE CHECK (char_length(name) BETWEEN 1 AND 128),
  description text NOT NULL DEFAULT '',
  built_in    boolean NOT NULL DEFAULT false
);

-- Resources are data: the services that consume tokens enforce them.
CREATE TABLE resources (
  name text PRIMARY KEY CHECK (char_length(name) BETWEEN 1 AND 128)
);

CREATE TABLE permission_sets (
  id          uuid PRIMARY KEY,
  name        text NOT NULL UNIQUE CHECK (char_length(name) BETWEEN 1 AND 128),
  description text NOT NULL DEFAULT '',
  built_in    boolean NOT NULL DEFAULT false
);

-- access: 0 = NO_ACCESS, 1 = READ_ACCESS, 2 = READ_WRITE_ACCESS (domain/access.h).
CREATE TABLE permission_set_entries (
  permission_set_id uuid NOT NULL REFERENCES permission_sets (id) ON DELETE CASCADE,
  resource          text NOT NULL REFERENCES resources (name),
  access            smallint NOT NULL CHECK (access BETWEEN 0 AND 2),
  PRIMARY KEY (permission_set_id, resource)
);

CREATE TABLE roles (
  name              text PRIMARY KEY CHECK (char_length(name) BETWEEN 1 AND 128),
  description       text NOT NULL DEFAULT '',
  permission_set_id uuid NOT NULL REFERENCES permission_sets (id) ON DELETE RESTRICT,
  access_scope_id   uuid NOT NULL REFERENCES access_scopes (id) ON DELETE RESTRICT,
  built_in          boolean NOT NULL DEFAULT false
);
CREATE INDEX roles_permission_set_id_idx ON roles (permission_set_id);
CREATE INDEX roles_access_scope_id_idx ON roles (access_scope_id);

-- Role names are copied into tokens (no foreign key into an array); deleting a role that a
-- live token uses is refused by the application.
CREATE TABLE tokens (
  id         uuid PRIMARY KEY,
  name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 128),
  roles      text[] NOT NULL
             CHECK (cardinality(roles) > 0 AND array_position(roles, NULL) IS NULL),
  issued_at  timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked    boolean NOT NULL DEFAULT false,
  revoked_at timestamptz,
  created_by text NOT NULL,
  CHECK (revoked = (revoked_at IS NOT NULL))
);

-- Live tokens by expiry: the expiration notifier's scan.
CREATE INDEX tokens_live_expires_at_idx ON tokens (expires_at, id) WHERE NOT revoked;
-- Revoked tokens by expiry: loading the revocation set at start-up.
CREATE INDEX tokens_revoked_expires_at_idx ON tokens (expires_at) WHERE revoked;
-- Keyset pagination of ListTokens.
CREATE INDEX tokens_issued_at_id_idx ON tokens (issued_at, id);
