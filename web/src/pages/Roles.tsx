// Roles: each a permission set applied within an access scope.
import { useState } from "preact/hooks";
import { roles } from "../api";
import { ErrorAlert } from "../components/ErrorAlert";
import { ListTable } from "../components/ListTable";
import { Loading } from "../components/Loading";
import { Modal } from "../components/Modal";
import { OriginBadge } from "../components/OriginBadge";
import { RoleForm } from "../components/RoleForm";
import { WriteNote } from "../components/WriteNote";
import { useCanWriteAccess } from "../identity";
import { useLoad } from "../load";
import { href, navigate } from "../router";

async function loadRoleContext(signal: AbortSignal) {
  const [r, p, s] = await Promise.all([
    roles.listRoles({}, { signal }),
    roles.listPermissionSets({}, { signal }),
    roles.listAccessScopes({}, { signal }),
  ]);
  return { roles: r.roles, permissionSets: p.permissionSets, accessScopes: s.accessScopes };
}

export function Roles() {
  const res = useLoad(loadRoleContext, []);
  const canWrite = useCanWriteAccess();
  const [creating, setCreating] = useState(false);
  const setName = (id: string) => res.data?.permissionSets.find((p) => p.id === id)?.name ?? id;
  const scope = (id: string) =>
    res.data?.accessScopes.find((s) => s.id === id) ??
    (id ? undefined : res.data?.accessScopes.find((s) => s.name === "Unrestricted"));
  return (
    <section aria-labelledby="roles-title">
      <div class="page-head">
        <h1 id="roles-title">Roles</h1>
        {canWrite && (
          <button type="button" class="primary" onClick={() => setCreating(true)} disabled={!res.data}>
            Create role
          </button>
        )}
      </div>
      <p class="lead">A role grants a permission set within an access scope. Tokens carry roles by name.</p>
      <WriteNote />
      <ErrorAlert error={res.error} context="Could not load roles" />
      {res.loading && <Loading label="Loading roles…" />}
      {res.data && (
        <ListTable caption="Roles" busy={res.loading}
                   columns={["Name", "Description", "Permission set", "Access scope", "Origin"]}>
          {res.data.roles.map((r) => {
            const sc = scope(r.accessScopeId);
            return (
              <tr key={r.name}>
                <th scope="row"><a href={href("roles", r.name)}>{r.name}</a></th>
                <td>{r.description}</td>
                <td><a href={href("permission-sets", r.permissionSetId)}>{setName(r.permissionSetId)}</a></td>
                <td>
                  {sc ? <a href={href("access-scopes", sc.id)}>{sc.name}</a> : (r.accessScopeId || "Unrestricted")}
                </td>
                <td><OriginBadge origin={r.origin} /></td>
              </tr>
            );
          })}
        </ListTable>
      )}
      {creating && res.data && (
        <Modal title="Create role" onClose={() => setCreating(false)}>
          <RoleForm
            role={undefined}
            permissionSets={res.data.permissionSets}
            accessScopes={res.data.accessScopes}
            readOnly={false}
            onSaved={(r) => navigate(href("roles", r.name))}
            onCancel={() => setCreating(false)}
          />
        </Modal>
      )}
    </section>
  );
}
