// One token's metadata (GetToken), with Revoke while it is live.
import { useState } from "preact/hooks";
import { tokens } from "../api";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { CreatedBy } from "../components/CreatedBy";
import { ErrorAlert } from "../components/ErrorAlert";
import { Loading } from "../components/Loading";
import { Time } from "../components/Time";
import { TokenStatus, tokenState } from "../components/TokenStatus";
import { AccessLevel } from "../gen/warden/v1/access_pb";
import { useCan } from "../identity";
import { useLoad } from "../load";
import { href } from "../router";

export function TokenDetails({ id }: { id: string }) {
  const res = useLoad((signal) => tokens.getToken({ id }, { signal }), [id]);
  const [revoking, setRevoking] = useState(false);
  const canRevoke = useCan("Integration", AccessLevel.READ_WRITE_ACCESS);
  const t = res.data?.token;
  const state = t ? tokenState(t, Date.now()) : undefined;
  return (
    <section aria-labelledby="token-title">
      <p class="crumbs"><a href="#/tokens">Tokens</a></p>
      <div class="page-head">
        <h1 id="token-title">{t ? t.name : "Token"}</h1>
        {t && state === "Live" && canRevoke && (
          <button type="button" class="danger" onClick={() => setRevoking(true)}>Revoke</button>
        )}
      </div>
      <ErrorAlert error={res.error} context="Could not load the token" />
      {res.loading && <Loading />}
      {t && state && (
        <dl class="details" aria-busy={res.loading}>
          <dt>Status</dt>
          <dd><TokenStatus state={state} /></dd>
          <dt>Name</dt>
          <dd>{t.name}</dd>
          <dt>ID</dt>
          <dd class="mono">{t.id}</dd>
          <dt>Roles</dt>
          <dd>
            <ul class="inline">
              {t.roles.map((r) => <li key={r}><a href={href("roles", r)}>{r}</a></li>)}
            </ul>
          </dd>
          <dt>Created by</dt>
          <dd><CreatedBy by={t.createdBy} name={t.createdByName} full /></dd>
          <dt>Issued</dt>
          <dd><Time value={t.issuedAt} /></dd>
          <dt>Expires</dt>
          <dd><Time value={t.expiration} /></dd>
          <dt>Last used</dt>
          <dd>
            <Time value={t.lastUsedAt} empty="Never" />
            <span class="hint"> As far as Warden knows: use is recorded about once a minute.</span>
          </dd>
          <dt>Revoked</dt>
          <dd>{t.revoked ? <Time value={t.revokedAt} empty="Yes" /> : "No"}</dd>
        </dl>
      )}
      {revoking && t && (
        <ConfirmDialog
          title={`Revoke token ${t.name}?`}
          confirm="Revoke"
          pending="Revoking…"
          action={async () => {
            await tokens.revokeToken({ id: t.id });
          }}
          onDone={() => {
            setRevoking(false);
            res.reload();
          }}
          onCancel={() => setRevoking(false)}
        >
          <p>Anything that uses this token is refused from now on. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
