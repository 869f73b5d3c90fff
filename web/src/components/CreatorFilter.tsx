// The token list's creator filter (`#/tokens?created_by=…`), when one is set: which identity,
// a way to remove the filter, and "Revoke everything this identity created…".
import { useState } from "preact/hooks";
import { href } from "../router";
import { CreatedBy, createdByLabel } from "./CreatedBy";
import { RevokeTokenDialog } from "./RevokeTokenDialog";

interface Props {
  createdBy: string;
  // The creator's name as the tokens record it (TokenMetadata.created_by_name), if known.
  name: string;
  canRevoke: boolean;
  // Tokens were revoked: `outcome` says how many.
  onRevoked: (outcome: string) => void;
}

export function CreatorFilter({ createdBy, name, canRevoke, onRevoked }: Props) {
  const [revoking, setRevoking] = useState(false);
  return (
    <div class="creator-filter" role="group" aria-label="Creator filter">
      <p>
        Only tokens created by <strong><CreatedBy by={createdBy} name={name} full /></strong>
      </p>
      <a class="button small" href={href("tokens")}>Show everyone's tokens</a>
      {canRevoke && (
        <button type="button" class="danger small" onClick={() => setRevoking(true)}>
          Revoke everything this identity created…
        </button>
      )}
      {revoking && (
        <RevokeTokenDialog
          target={{ createdBy, label: createdByLabel(createdBy, name) }}
          onRevoked={(outcome) => {
            setRevoking(false);
            onRevoked(outcome);
          }}
          onCancel={() => setRevoking(false)}
        />
      )}
    </div>
  );
}
