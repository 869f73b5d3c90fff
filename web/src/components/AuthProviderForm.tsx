// An auth provider: its name (fixed once created), the OIDC client Warden is at the issuer,
// what to ask for and how to name the person, and the claim-to-role rules with the minimum
// role.
import { useState } from "preact/hooks";
import { authProviders } from "../api";
import type { AuthProvider } from "../gen/warden/v1/auth_provider_pb";
import { useSave } from "../save";
import { MappingEditor } from "./MappingEditor";
import type { MappingDraft } from "./MappingEditor";
import { SaveFooter } from "./SaveFooter";

let nextUid = 0;
type Row = MappingDraft & { uid: number };
const row = (m: MappingDraft): Row => ({ ...m, uid: ++nextUid });

// The role a person gets when no minimum role is set; the select's empty value.
const noneRole = "None";

interface Props {
  provider: AuthProvider | undefined;
  roleNames: string[];
  readOnly: boolean;
  onSaved: (provider: AuthProvider) => void;
}

export function AuthProviderForm({ provider, roleNames, readOnly, onSaved }: Props) {
  const creating = provider === undefined;
  const [name, setName] = useState(provider?.name ?? "");
  const [issuer, setIssuer] = useState(provider?.issuer ?? "");
  const [clientId, setClientId] = useState(provider?.clientId ?? "");
  const [secretFile, setSecretFile] = useState(provider?.clientSecretFile ?? "");
  const [scopes, setScopes] = useState((provider?.scopes ?? []).join(" "));
  const [nameClaim, setNameClaim] = useState(provider?.nameClaim ?? "");
  const [minimumRole, setMinimumRole] = useState(
    provider?.minimumRole === noneRole ? "" : (provider?.minimumRole ?? ""));
  const [rules, setRules] = useState<Row[]>(
    (provider?.rules ?? []).map((r) => row({ key: r.key, valueExpression: r.valueExpression, role: r.role })));
  const save = useSave();
  // A minimum role the list does not have (deleted since, or not readable) is still shown.
  const minimumChoices = roleNames.filter((r) => r !== noneRole);
  if (minimumRole && !minimumChoices.includes(minimumRole)) minimumChoices.unshift(minimumRole);

  const submit = async (e: Event) => {
    e.preventDefault();
    const body = {
      id: provider?.id ?? "",
      name: name.trim(),
      issuer: issuer.trim(),
      clientId: clientId.trim(),
      clientSecretFile: secretFile.trim(),
      scopes: scopes.split(/\s+/).filter(Boolean),
      nameClaim: nameClaim.trim(),
      minimumRole,
      rules: rules.map(({ key, valueExpression, role }) => ({ key, valueExpression, role })),
    };
    const call = creating ? authProviders.addAuthProvider : authProviders.updateAuthProvider;
    await save.run(creating, async () => (await call({ provider: body })).provider, onSaved);
  };

  return (
    <form onSubmit={submit} aria-busy={save.busy} class="stack">
      <fieldset class="plain" disabled={readOnly}>
        <div class="field">
          <label for="provider-name">Name</label>
          <input id="provider-name" required class="mono narrow" value={name} readOnly={!creating}
                 pattern="[a-z][a-z0-9\-]{0,63}" maxLength={64} aria-describedby="provider-name-hint"
                 placeholder="corp" onInput={(e) => setName(e.currentTarget.value)} />
          <p class="hint" id="provider-name-hint">
            {creating
              ? "1 to 64 of a-z, 0-9 and -, starting with a letter. It is on the sign-in button " +
                "and in every person's id (<name>:<sub>), so it cannot change later."
              : "It cannot change: it is in every person's id (<name>:<sub>)."}
          </p>
        </div>
        <div class="field">
          <label for="provider-issuer">Issuer</label>
          <input id="provider-issuer" type="url" required class="mono" value={issuer}
                 placeholder="https://login.example.com" aria-describedby="provider-issuer-hint"
                 onInput={(e) => setIssuer(e.currentTarget.value)} />
          <p class="hint" id="provider-issuer-hint">
            An https URL. Warden fetches its discovery document and keys before saving.
          </p>
        </div>
        <div class="field">
          <label for="provider-client-id">Client ID</label>
          <input id="provider-client-id" required class="mono" value={clientId}
                 aria-describedby="provider-client-id-hint"
                 onInput={(e) => setClientId(e.currentTarget.value)} />
          <p class="hint" id="provider-client-id-hint">
            The client Warden is registered as at the provider; ID tokens must be for it.
          </p>
        </div>
        <div class="field">
          <label for="provider-secret-file">Client secret file</label>
          <input id="provider-secret-file" class="mono" value={secretFile}
                 placeholder="corp"
                 aria-describedby="provider-secret-file-hint"
                 onInput={(e) => setSecretFile(e.currentTarget.value)} />
          <p class="hint" id="provider-secret-file-hint">
            The name of a file in the server's WARDEN_AUTH_PROVIDER_SECRETS_DIR (a mounted
            Kubernetes Secret, say), not the secret: the secret stays in that file, read at each
            sign-in, so rotating it needs no restart. Warden never stores, logs or returns it.
            Empty: a public client (PKCE alone).
          </p>
        </div>
        <div class="field">
          <label for="provider-scopes">Scopes</label>
          <input id="provider-scopes" class="mono" value={scopes} placeholder="openid email profile"
                 aria-describedby="provider-scopes-hint"
                 onInput={(e) => setScopes(e.currentTarget.value)} />
          <p class="hint" id="provider-scopes-hint">
            Separated by spaces. Empty: openid email profile; openid is always asked for. Ask
            for the scopes that carry the claims the rules read (groups, say).
          </p>
        </div>
        <div class="field">
          <label for="provider-name-claim">Name claim</label>
          <input id="provider-name-claim" class="mono narrow" value={nameClaim} placeholder="email"
                 aria-describedby="provider-name-claim-hint"
                 onInput={(e) => setNameClaim(e.currentTarget.value)} />
          <p class="hint" id="provider-name-claim-hint">
            The claim that names the person in Warden. Empty: email, or sub when the ID token
            has no email.
          </p>
        </div>
        <div class="field">
          <label for="provider-minimum-role">Minimum role</label>
          <select id="provider-minimum-role" value={minimumRole} aria-describedby="provider-minimum-role-hint"
                  onChange={(e) => setMinimumRole(e.currentTarget.value)}>
            <option value="">None</option>
            {minimumChoices.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
          <p class="hint" id="provider-minimum-role-hint">
            The role everyone who signs in through this provider gets. None: only the rules
            give roles, and a person no rule matches cannot sign in.
          </p>
        </div>
      </fieldset>
      <fieldset class="plain">
        <legend>Rules</legend>
        <p class="hint">
          A person gets every role whose rule matches a claim of their ID token. Nested claims
          are reached with dots (org.team); for an array claim such as groups, any element may
          match.
        </p>
        {rules.length === 0 && <p class="muted">No rules: people get the minimum role only.</p>}
        {rules.map((r, i) => (
          <MappingEditor
            key={r.uid}
            index={i}
            mapping={r}
            roleNames={roleNames}
            disabled={readOnly}
            noun="Rule"
            examples={{ key: "groups", valueExpression: "warden-admins" }}
            onChange={(next) => setRules(rules.map((x, j) => (j === i ? { ...next, uid: x.uid } : x)))}
            onRemove={() => setRules(rules.filter((_, j) => j !== i))}
          />
        ))}
        {!readOnly && (
          <button type="button" onClick={() => setRules([...rules, row({ key: "", valueExpression: "", role: "" })])}>
            Add rule
          </button>
        )}
      </fieldset>
      <SaveFooter state={save} creating={creating} readOnly={readOnly}
                  createLabel="Add" creatingLabel="Adding…" />
    </form>
  );
}
