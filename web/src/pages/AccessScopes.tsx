// Access scopes: where a role's permissions apply (clusters, namespaces).
import { roles } from "../api";
import { ErrorAlert } from "../components/ErrorAlert";
import { ListTable } from "../components/ListTable";
import { Loading } from "../components/Loading";
import { OriginBadge } from "../components/OriginBadge";
import { WriteNote } from "../components/WriteNote";
import { useCanWriteAccess } from "../identity";
import { useLoad } from "../load";
import { href } from "../router";

export function AccessScopes() {
  const res = useLoad((signal) => roles.listAccessScopes({}, { signal }), []);
  const canWrite = useCanWriteAccess();
  return (
    <section aria-labelledby="scopes-title">
      <div class="page-head">
        <h1 id="scopes-title">Access scopes</h1>
        {canWrite && <a class="button primary" href="#/access-scopes/new">Create access scope</a>}
      </div>
      <p class="lead">
        Where a role's permissions apply. The services that accept Warden tokens enforce them.
      </p>
      <WriteNote />
      <ErrorAlert error={res.error} context="Could not load access scopes" />
      {res.loading && <Loading label="Loading access scopes…" />}
      {res.data && (
        <ListTable caption="Access scopes" busy={res.loading}
                   columns={["Name", "Description", "Clusters", "Namespaces", "Origin"]}>
          {res.data.accessScopes.map((s) => (
            <tr key={s.id}>
              <th scope="row"><a href={href("access-scopes", s.id)}>{s.name}</a></th>
              <td>{s.description}</td>
              <td>{(s.rules?.clusters ?? []).join(", ")}</td>
              <td>{(s.rules?.namespaces ?? []).map((n) => `${n.cluster}/${n.namespace}`).join(", ")}</td>
              <td><OriginBadge origin={s.origin} /></td>
            </tr>
          ))}
        </ListTable>
      )}
    </section>
  );
}
