// A role's fields: name (fixed once created), description, permission set, access scope.
// Used by "Create role" and by a role's page.
import { useState } from "preact/hooks";
import { roles } from "../api";
import type { AccessScope, PermissionSet, Role } from "../gen/warden/v1/role_pb";
import { ErrorAlert } from "./ErrorAlert";

interface Props {
  // The role to edit; undefined to create one.
  role: Role | undefined;
  permissionSets: PermissionSet[];
  accessScopes: AccessScope[];
  // Set when the form may not be changed.
  readOnly: boolean;
  onSaved: (role: Role) => void;
  onCancel?: () => void;
}

const unrestricted = (scopes: AccessScope[]) => scopes.find((s) => s.name === "Unrestricted");

export function RoleForm({ role, permissionSets, accessScopes, readOnly, onSaved, onCancel }: Props) {
  const creating = role === undefined;
  const [name, setName] = useState(role?.name ?? "");
  const [description, setDescription] = useState(role?.description ?? "");
  const [permissionSetId, setPermissionSetId] = useState(role?.permissionSetId ?? "");
  // An empty access scope id means Unrestricted.
  const [accessScopeId, setAccessScopeId] = useState(
    role?.accessScopeId || unrestricted(accessScopes)?.id || "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(false);
    const body = { name, description, permissionSetId, accessScopeId };
    try {
      const res = creating
        ? await roles.createRole({ role: body })
        : await roles.updateRole({ role: body });
      setSaved(!creating);
      if (res.role) onSaved(res.role);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const hasScope = accessScopes.some((s) => s.id === accessScopeId);
  const hasSet = permissionSets.some((p) => p.id === permissionSetId);
  return (
    <form onSubmit={submit} aria-busy={busy} class="stack">
      <fieldset disabled={readOnly} class="plain">
        <div class="field">
          <label for="role-name">Name</label>
          <input id="role-name" required maxLength={128} value={name} readOnly={!creating}
                 onInput={(e) => setName(e.currentTarget.value)}
                 aria-describedby="role-name-hint" />
          <p class="hint" id="role-name-hint">
            {creating ? "1 to 128 printable characters. Tokens carry the role by this name; it cannot be changed later."
                      : "Tokens carry the role by its name, so it cannot be changed."}
          </p>
        </div>
        <div class="field">
          <label for="role-description">Description</label>
          <textarea id="role-description" rows={2} value={description}
                    onInput={(e) => setDescription(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="role-permission-set">Permission set</label>
          <select id="role-permission-set" required value={permissionSetId}
                  onChange={(e) => setPermissionSetId(e.currentTarget.value)}>
            <option value="">Choose a permission set</option>
            {!hasSet && permissionSetId && <option value={permissionSetId}>{permissionSetId}</option>}
            {permissionSets.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="role-access-scope">Access scope</label>
          <select id="role-access-scope" value={accessScopeId}
                  onChange={(e) => setAccessScopeId(e.currentTarget.value)}>
            {(!hasScope) && <option value={accessScopeId}>{accessScopeId || "Unrestricted"}</option>}
            {accessScopes.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </div>
      </fieldset>
      <ErrorAlert error={error} />
      {saved && <p role="status" class="ok">Saved.</p>}
      {!readOnly && (
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? (creating ? "Creating…" : "Saving…") : (creating ? "Create" : "Save changes")}
          </button>
          {onCancel && <button type="button" onClick={onCancel}>Cancel</button>}
        </div>
      )}
    </form>
  );
}
