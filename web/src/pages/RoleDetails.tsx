// One role: its fields, editable unless it is built in or declarative, and Delete.
import { roles } from "../api";
import { DeleteButton } from "../components/DeleteButton";
import { ErrorAlert } from "../components/ErrorAlert";
import { Loading } from "../components/Loading";
import { OriginBadge } from "../components/OriginBadge";
import { ReadOnlyNote } from "../components/ReadOnlyNote";
import { RoleForm } from "../components/RoleForm";
import { WriteNote } from "../components/WriteNote";
import { readOnlyReason } from "../format";
import { useCanWriteAccess } from "../identity";
import { useLoad } from "../load";
import { href, navigate } from "../router";

export function RoleDetails({ name }: { name: string }) {
  const res = useLoad(async (signal) => {
    const [r, p, s] = await Promise.all([
      roles.getRole({ name }, { signal }),
      roles.listPermissionSets({}, { signal }),
      roles.listAccessScopes({}, { signal }),
    ]);
    return { role: r.role, permissionSets: p.permissionSets, accessScopes: s.accessScopes };
  }, [name]);
  const canWrite = useCanWriteAccess();
  const role = res.data?.role;
  const reason = role ? readOnlyReason(role.origin, "role") : undefined;
  const editable = !!role && !reason && canWrite === true;
  return (
    <section aria-labelledby="role-title">
      <p class="crumbs"><a href="#/roles">Roles</a></p>
      <div class="page-head">
        <h1 id="role-title">{role?.name ?? name}</h1>
        {role && <OriginBadge origin={role.origin} />}
        {role && editable && (
          <DeleteButton
            title={`Delete role ${role.name}?`}
            action={() => roles.deleteRole({ name: role.name })}
            onDone={() => navigate("/roles")}
          >
            <p>Warden refuses while a live token carries this role.</p>
          </DeleteButton>
        )}
      </div>
      <ErrorAlert error={res.error} context="Could not load the role" />
      {res.loading && <Loading />}
      {role && res.data && (
        <>
          <ReadOnlyNote reason={reason} />
          {!reason && <WriteNote />}
          <RoleForm
            key={role.name}
            role={role}
            permissionSets={res.data.permissionSets}
            accessScopes={res.data.accessScopes}
            readOnly={!editable}
            onSaved={() => {}}
          />
          <p>
            <a href={href("permission-sets", role.permissionSetId)}>View the permission set</a>
          </p>
        </>
      )}
    </section>
  );
}
