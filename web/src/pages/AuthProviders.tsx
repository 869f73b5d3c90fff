// Auth providers: the OIDC identity providers people sign in to the console (and wardenctl)
// through, and the rules that give them roles.
import { authProviders } from "../api";
import { ErrorAlert } from "../components/ErrorAlert";
import { ListTable } from "../components/ListTable";
import { Loading } from "../components/Loading";
import { OriginBadge } from "../components/OriginBadge";
import { WriteNote } from "../components/WriteNote";
import { plural } from "../format";
import { useCanWriteAccess } from "../identity";
import { useLoad } from "../load";
import { href } from "../router";

export function AuthProviders() {
  const res = useLoad((signal) => authProviders.listAuthProviders({}, { signal }), []);
  const canWrite = useCanWriteAccess();
  const providers = res.data?.providers ?? [];
  return (
    <section aria-labelledby="providers-title">
      <div class="page-head">
        <h1 id="providers-title">Auth providers</h1>
        {canWrite && <a class="button primary" href="#/auth-providers/new">Add provider</a>}
      </div>
      <p class="lead">
        Your organization's identity providers (OpenID Connect): people sign in as themselves,
        and the provider's rules turn their claims (groups, say) into Warden roles.
      </p>
      <WriteNote />
      <ErrorAlert error={res.error} context="Could not load auth providers" />
      {res.loading && <Loading label="Loading auth providers…" />}
      {res.data && providers.length === 0 && (
        <p class="muted">No auth provider yet: only the admin password and API tokens sign in.</p>
      )}
      {providers.length > 0 && (
        <ListTable caption="Auth providers" busy={res.loading}
                   columns={["Name", "Issuer", "Client ID", "Rules", "Origin"]}>
          {providers.map((p) => (
            <tr key={p.id}>
              <th scope="row"><a href={href("auth-providers", p.id)}>{p.name}</a></th>
              <td class="mono break">{p.issuer}</td>
              <td class="mono">{p.clientId}</td>
              <td>{plural(p.rules.length, "rule", "rules")}</td>
              <td><OriginBadge origin={p.origin} /></td>
            </tr>
          ))}
        </ListTable>
      )}
    </section>
  );
}
