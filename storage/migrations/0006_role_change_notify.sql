-- Every change to roles, permission sets or access scopes notifies channel warden_roles,
-- whoever makes it (the API, the declarative file, or an operator with psql), so that
-- every replica reloads its role view within milliseconds. Statement-level: one
-- notification per statement, and PostgreSQL folds identical ones within a transaction.
CREATE FUNCTION warden_notify_roles_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('warden_roles', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;

CREATE TRIGGER roles_changed AFTER INSERT OR UPDATE OR DELETE ON roles
  FOR EACH STATEMENT EXECUTE FUNCTION warden_notify_roles_changed();
CREATE TRIGGER permission_sets_changed AFTER INSERT OR UPDATE OR DELETE ON permission_sets
  FOR EACH STATEMENT EXECUTE FUNCTION warden_notify_roles_changed();
CREATE TRIGGER permission_set_entries_changed
  AFTER INSERT OR UPDATE OR DELETE ON permission_set_entries
  FOR EACH STATEMENT EXECUTE FUNCTION warden_notify_roles_changed();
CREATE TRIGGER access_scopes_changed AFTER INSERT OR UPDATE OR DELETE ON access_scopes
  FOR EACH STATEMENT EXECUTE FUNCTION warden_notify_roles_changed();
