// Machine-to-machine: the OIDC issuers whose ID tokens may be traded for Warden tokens.
import { auth } from "../api";
import { ErrorAlert } from "../components/ErrorAlert";
import { ListTable } from "../components/ListTable";
import { Loading } from "../components/Loading";
import { WriteNote } from "../components/WriteNote";
import { m2mTypeLabel } from "../format";
import { useCanWriteAccess } from "../identity";
import { useLoad } from "../load";
import { href } from "../router";

export function M2mConfigs() {
  const res = useLoad((signal) => auth.listAuthMachineToMachineConfigs({}, { signal }), []);
  const canWrite = useCanWriteAccess();
  const configs = res.data?.configs ?? [];
  return (
    <section aria-labelledby="m2m-title">
      <div class="page-head">
        <h1 id="m2m-title">Machine-to-machine</h1>
        {canWrite && <a class="button primary" href="#/m2m/new">Add configuration</a>}
      </div>
      <p class="lead">
        Trusted OIDC issuers (GitHub Actions, Kubernetes service accounts, others): a job trades
        its ID token for a short-lived Warden token whose roles come from the mappings its
        claims match.
      </p>
      <WriteNote />
      <ErrorAlert error={res.error} context="Could not load machine-to-machine configurations" />
      {res.loading && <Loading label="Loading configurations…" />}
      {res.data && configs.length === 0 && <p class="muted">No issuer is trusted yet.</p>}
      {configs.length > 0 && (
        <ListTable caption="Machine-to-machine configurations" busy={res.loading}
                   columns={["Issuer", "Type", "Audiences", "Token lifetime", "Mappings"]}>
          {configs.map((c) => (
            <tr key={c.id}>
              <th scope="row"><a href={href("m2m", c.id)}>{c.issuer || "(GitHub's issuer)"}</a></th>
              <td>{m2mTypeLabel[c.type]}</td>
              <td>{c.allowAnyAudience ? "Any audience" : c.audiences.join(", ")}</td>
              <td>{c.tokenExpirationDuration}</td>
              <td>{c.mappings.map((m) => `${m.key} ~ ${m.valueExpression} → ${m.role}`).join("; ")}</td>
            </tr>
          ))}
        </ListTable>
      )}
    </section>
  );
}
