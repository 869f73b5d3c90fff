// "Revoke token x?" or "Revoke every token y created?": a confirmation that says what will
// happen, with the choice to also revoke every token minted with them (cascade), then one
// RevokeToken call. Says how many tokens the server revoked.
import { useRef, useState } from "preact/hooks";
import { tokens } from "../api";
import type { TokenMetadata } from "../gen/warden/v1/token_pb";
import { plural } from "../format";
import { useIdentity } from "../identity";
import { listAllTokens } from "../list_tokens";
import { useLoad } from "../load";
import { ConfirmDialog } from "./ConfirmDialog";
import { ErrorAlert } from "./ErrorAlert";
import { Loading } from "./Loading";

// One token, or everything one identity (TokenMetadata.created_by) created; `label` is how
// the page names that identity.
export type RevokeTarget = { token: TokenMetadata } | { createdBy: string; label: string };

interface Props {
  target: RevokeTarget;
  // Revoked: `outcome` says how many, for the page to show.
  onRevoked: (outcome: string) => void;
  onCancel: () => void;
}

function outcomeWords(target: RevokeTarget, count: number, cascade: boolean): string {
  const revoked = `Revoked ${plural(count, "token", "tokens")}`;
  if ("createdBy" in target) {
    return `${revoked}: every token ${target.label} created` +
      (cascade ? ", and every token minted with them." : ".");
  }
  const name = target.token.name;
  if (count === 0) return `Nothing to revoke: token ${name} was revoked already.`;
  if (!cascade) return `${revoked}: ${name}.`;
  return `${revoked}: ${name} and ${plural(count - 1, "token", "tokens")} minted with it.`;
}

export function RevokeTokenDialog({ target, onRevoked, onCancel }: Props) {
  const [cascade, setCascade] = useState(false);
  const outcome = useRef("");
  const ownToken = useIdentity()?.tokenId;
  const createdBy = "createdBy" in target ? target.createdBy : undefined;
  // What revoking by creator takes away: its live tokens, counted when the dialog opens.
  const live = useLoad(
    (signal) => createdBy === undefined ? Promise.resolve([])
      : listAllTokens({ revoked: false, createdBy }, signal),
    [createdBy]);
  const endsSession = !!ownToken && ("token" in target
    ? target.token.id === ownToken
    : (live.data ?? []).some((t) => t.id === ownToken));

  return (
    <ConfirmDialog
      title={"token" in target ? `Revoke token ${target.token.name}?`
        : `Revoke every token ${target.label} created?`}
      confirm={"token" in target ? "Revoke" : "Revoke all"}
      pending="Revoking…"
      action={async () => {
        const res = await tokens.revokeToken(
          "token" in target ? { id: target.token.id, cascade } : { createdBy, cascade });
        outcome.current = outcomeWords(target, Number(res.revokedCount), cascade);
      }}
      onDone={() => onRevoked(outcome.current)}
      onCancel={onCancel}
    >
      {"token" in target ? (
        <p>Anything that uses this token is refused from now on. This cannot be undone.</p>
      ) : (
        <>
          {live.loading && <Loading label="Counting the live tokens…" />}
          <ErrorAlert error={live.error} context="Could not count the live tokens" />
          {live.data && (
            <p>
              {plural(live.data.length, "live token", "live tokens")} that {target.label} created
              (<span class="mono">{target.createdBy}</span>) will be refused from now on, whatever
              the list's other filters show. This cannot be undone.
            </p>
          )}
        </>
      )}
      <div class="field">
        <label class="check">
          <input type="checkbox" checked={cascade}
                 onChange={(e) => setCascade(e.currentTarget.checked)}
                 aria-describedby="revoke-cascade-hint" />
          {"token" in target ? "Also revoke every token minted with this token"
            : "Also revoke every token minted with them"}
        </label>
        <p class="hint" id="revoke-cascade-hint">
          And every token those minted, and so on: everything a leaked token could have made.
        </p>
      </div>
      {endsSession && (
        <p class="warning">
          This includes the session you are signed in with: you will be signed out.
        </p>
      )}
    </ConfirmDialog>
  );
}
