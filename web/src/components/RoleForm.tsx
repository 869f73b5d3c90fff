// A role's fields: name (fixed once created), description, permission set, access scope.
// Used by "Create role" and by a role's page.
import { useState } from "preact/hooks";
import { roles } from "../api";
import type { AccessScope, PermissionSet, Role } from "../gen/warden/v1/role_pb";
import { useSave } from "../save";
import { NameFields } from "./NameFields";
import { SaveFooter } from "./SaveFooter";

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
  const save = useSave();

  const submit = async (e: Event) => {
    e.preventDefault();
    const body = { name, description, permissionSetId, accessScopeId };
    const call = creating ? roles.createRole : roles.updateRole;
    await save.run(creating, async () => (await call({ role: body })).role, onSaved);
  };

  const hasScope = accessScopes.some((s) => s.id === accessScopeId);
  const hasSet = permissionSets.some((p) => p.id === permissionSetId);
  return (
    <form onSubmit={submit} aria-busy={save.busy} class="stack">
      <fieldset disabled={readOnly} class="plain">
        <NameFields
          idPrefix="role" name={name} description={description}
          onName={setName} onDescription={setDescription} nameFixed={!creating}
          nameHint={creating
            ? "1 to 128 printable characters. Tokens carry the role by this name; it cannot be changed later."
            : "Tokens carry the role by its name, so it cannot be changed."} />
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
      <SaveFooter state={save} creating={creating} readOnly={readOnly} onCancel={onCancel} />
    </form>
  );
}
