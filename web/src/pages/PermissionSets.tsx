// Permission sets: named maps from resources to access levels.
import { roles } from "../api";
import { ErrorAlert } from "../components/ErrorAlert";
import { ListTable } from "../components/ListTable";
import { Loading } from "../components/Loading";
import { OriginBadge } from "../components/OriginBadge";
import { WriteNote } from "../components/WriteNote";
import { AccessLevel } from "../gen/warden/v1/access_pb";
import type { PermissionSet } from "../gen/warden/v1/role_pb";
import { useCanWriteAccess } from "../identity";
import { useLoad } from "../load";
import { href } from "../router";

function summary(p: PermissionSet): string {
  const levels = Object.values(p.resourceToAccess);
  const rw = levels.filter((l) => l === AccessLevel.READ_WRITE_ACCESS).length;
  const r = levels.filter((l) => l === AccessLevel.READ_ACCESS).length;
  if (rw === 0 && r === 0) return "No access";
  return [rw ? `${rw} read-write` : "", r ? `${r} read` : ""].filter(Boolean).join(", ");
}

export function PermissionSets() {
  const res = useLoad((signal) => roles.listPermissionSets({}, { signal }), []);
  const canWrite = useCanWriteAccess();
  return (
    <section aria-labelledby="ps-title">
      <div class="page-head">
        <h1 id="ps-title">Permission sets</h1>
        {canWrite && <a class="button primary" href="#/permission-sets/new">Create permission set</a>}
      </div>
      <p class="lead">What a role may do with each resource: no access, read, or read and write.</p>
      <WriteNote />
      <ErrorAlert error={res.error} context="Could not load permission sets" />
      {res.loading && <Loading label="Loading permission sets…" />}
      {res.data && (
        <ListTable caption="Permission sets" busy={res.loading}
                   columns={["Name", "Description", "Grants", "Origin"]}>
          {res.data.permissionSets.map((p) => (
            <tr key={p.id}>
              <th scope="row"><a href={href("permission-sets", p.id)}>{p.name}</a></th>
              <td>{p.description}</td>
              <td>{summary(p)}</td>
              <td><OriginBadge origin={p.origin} /></td>
            </tr>
          ))}
        </ListTable>
      )}
    </section>
  );
}
