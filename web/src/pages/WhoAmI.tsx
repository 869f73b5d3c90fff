// Who am I: the signed-in identity (for a person: the provider and the claims sign-in used),
// its roles, its effective permissions and its expiry.
import { auth } from "../api";
import { ErrorAlert } from "../components/ErrorAlert";
import { Loading } from "../components/Loading";
import { Time } from "../components/Time";
import { accessLevelLabel, identityKindLabel } from "../format";
import { useLoad } from "../load";
import { href } from "../router";

export function WhoAmI() {
  const res = useLoad((signal) => auth.getAuthStatus({}, { signal }), []);
  const id = res.data?.identity;
  const permissions = Object.entries(id?.permissions ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section aria-labelledby="whoami-title">
      <h1 id="whoami-title">Who am I</h1>
      <ErrorAlert error={res.error} context="Could not load your identity" />
      {res.loading && <Loading />}
      {id && (
        <>
          <dl class="details">
            <dt>Name</dt>
            <dd>{id.name}</dd>
            <dt>Kind</dt>
            <dd>{identityKindLabel[id.kind]}</dd>
            <dt>ID</dt>
            <dd class="mono">{id.id}</dd>
            {id.authProvider && (
              <>
                <dt>Auth provider</dt>
                <dd>{id.authProvider}</dd>
              </>
            )}
            {id.claims.length > 0 && (
              <>
                <dt>Claims</dt>
                <dd>
                  <ul class="plain-list">
                    {id.claims.map((c) => (
                      <li key={c.key}><span class="mono">{c.key}</span>: {c.values.join(", ")}</li>
                    ))}
                  </ul>
                </dd>
              </>
            )}
            <dt>Roles</dt>
            <dd>
              <ul class="inline">
                {id.roles.map((r) => <li key={r}><a href={href("roles", r)}>{r}</a></li>)}
              </ul>
            </dd>
            <dt>Expires</dt>
            <dd><Time value={id.expiration} empty="Never" /></dd>
          </dl>
          <h2 id="perm-title">Effective permissions</h2>
          <p class="hint">The highest access any of the roles grants on each resource. Resources without access are not listed.</p>
          {permissions.length === 0 ? (
            <p class="muted">No access to any resource.</p>
          ) : (
            <div class="table-wrap">
              <table class="list narrow-table" aria-labelledby="perm-title">
                <thead>
                  <tr>
                    <th scope="col">Resource</th>
                    <th scope="col">Access</th>
                  </tr>
                </thead>
                <tbody>
                  {permissions.map(([resource, level]) => (
                    <tr key={resource}>
                      <th scope="row">{resource}</th>
                      <td>{accessLevelLabel[level]}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
