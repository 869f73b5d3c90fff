// One token's metadata (GetToken): its description, the tokens a rotation linked it to, and
// Rotate and Revoke while it is live.
import { useState } from "preact/hooks";
import { tokens } from "../api";
import { CreatedBy, createdByHref } from "../components/CreatedBy";
import { ErrorAlert } from "../components/ErrorAlert";
import { Loading } from "../components/Loading";
import { RevokeTokenDialog } from "../components/RevokeTokenDialog";
import { RotateTokenDialog, rotateBlocked } from "../components/RotateTokenDialog";
import { Time } from "../components/Time";
import { TokenStatus, tokenState } from "../components/TokenStatus";
import { AccessLevel } from "../gen/warden/v1/access_pb";
import { useCan } from "../identity";
import { useLoad } from "../load";
import { href } from "../router";

export function TokenDetails({ id }: { id: string }) {
  const res = useLoad((signal) => tokens.getToken({ id }, { signal }), [id]);
  const [revoking, setRevoking] = useState(false);
  const [rotating, setRotating] = useState(false);
  // What the last revocation did ("Revoked 2 tokens: …").
  const [notice, setNotice] = useState("");
  // RotateToken needs what GenerateToken needs: Read on Access, Read-write on Integration.
  const canRevoke = useCan("Integration", AccessLevel.READ_WRITE_ACCESS);
  const canRotate = useCan("Access", AccessLevel.READ_ACCESS) && canRevoke;
  const t = res.data?.token;
  const now = Date.now();
  const state = t ? tokenState(t, now) : undefined;
  const blocked = t && rotateBlocked(t, now);
  return (
    <section aria-labelledby="token-title">
      <p class="crumbs"><a href="#/tokens">Tokens</a></p>
      <div class="page-head">
        <h1 id="token-title">{t ? t.name : "Token"}</h1>
        {t && canRotate && (
          <button type="button" disabled={!!blocked}
                  aria-describedby={blocked ? "rotate-blocked" : undefined}
                  onClick={() => setRotating(true)}>
            Rotate
          </button>
        )}
        {t && state === "Live" && canRevoke && (
          <button type="button" class="danger" onClick={() => setRevoking(true)}>Revoke</button>
        )}
      </div>
      {t && canRotate && blocked && <p class="hint" id="rotate-blocked">{blocked}</p>}
      {notice && <p role="status" class="ok">{notice}</p>}
      <ErrorAlert error={res.error} context="Could not load the token" />
      {res.loading && <Loading />}
      {t && state && (
        <dl class="details" aria-busy={res.loading}>
          <dt>Status</dt>
          <dd><TokenStatus state={state} /></dd>
          <dt>Name</dt>
          <dd>{t.name}</dd>
          <dt>Description</dt>
          <dd>{t.description || <span class="muted">None</span>}</dd>
          <dt>ID</dt>
          <dd class="mono">{t.id}</dd>
          <dt>Roles</dt>
          <dd>
            <ul class="inline">
              {t.roles.map((r) => <li key={r}><a href={href("roles", r)}>{r}</a></li>)}
            </ul>
          </dd>
          <dt>Created by</dt>
          <dd>
            <CreatedBy by={t.createdBy} name={t.createdByName} full />
            {t.createdBy && (
              <> · <a href={createdByHref(t.createdBy)}>All tokens by this creator</a></>
            )}
          </dd>
          <dt>Tokens minted with it</dt>
          <dd><a href={createdByHref(`token:${t.id}`)}>Show them</a></dd>
          <dt>Issued</dt>
          <dd><Time value={t.issuedAt} /></dd>
          <dt>Expires</dt>
          <dd>
            <Time value={t.expiration} />
            {t.rotatedTo && (
              <span class="hint"> Shortened when the token was rotated: the overlap ends then.</span>
            )}
          </dd>
          {t.rotatedFrom && (
            <>
              <dt>Rotated from</dt>
              <dd>
                <a class="mono" href={href("tokens", t.rotatedFrom)}>{t.rotatedFrom}</a>
                <span class="hint"> The token this one replaced.</span>
              </dd>
            </>
          )}
          {t.rotatedTo && (
            <>
              <dt>Rotated to</dt>
              <dd>
                <a class="mono" href={href("tokens", t.rotatedTo)}>{t.rotatedTo}</a>
                <span class="hint"> The successor that replaced this token.</span>
              </dd>
            </>
          )}
          <dt>Last used</dt>
          <dd>
            <Time value={t.lastUsedAt} empty="Never" />
            <span class="hint"> As far as Warden knows: use is recorded about once a minute.</span>
          </dd>
          <dt>Revoked</dt>
          <dd>{t.revoked ? <Time value={t.revokedAt} empty="Yes" /> : "No"}</dd>
        </dl>
      )}
      {rotating && t && (
        <RotateTokenDialog token={t} onClose={() => setRotating(false)} onRotated={res.reload} />
      )}
      {revoking && t && (
        <RevokeTokenDialog
          target={{ token: t }}
          onRevoked={(outcome) => {
            setRevoking(false);
            setNotice(outcome);
            res.reload();
          }}
          onCancel={() => setRevoking(false)}
        />
      )}
    </section>
  );
}
