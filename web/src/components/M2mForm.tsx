// A machine-to-machine configuration: issuer type and URL, audiences, token lifetime and
// claim-to-role mappings.
import { useState } from "preact/hooks";
import { auth } from "../api";
import { AuthMachineToMachineConfigType } from "../gen/warden/v1/auth_pb";
import type { AuthMachineToMachineConfig } from "../gen/warden/v1/auth_pb";
import { m2mTypeLabel } from "../format";
import { useSave } from "../save";
import { LinesField } from "./LinesField";
import { MappingEditor } from "./MappingEditor";
import type { MappingDraft } from "./MappingEditor";
import { SaveFooter } from "./SaveFooter";

const githubIssuer = "https://token.actions.githubusercontent.com";
let nextUid = 0;
type Row = MappingDraft & { uid: number };
const row = (m: MappingDraft): Row => ({ ...m, uid: ++nextUid });

const types = [
  AuthMachineToMachineConfigType.GENERIC,
  AuthMachineToMachineConfigType.GITHUB_ACTIONS,
  AuthMachineToMachineConfigType.KUBE_SERVICE_ACCOUNT,
];

interface Props {
  config: AuthMachineToMachineConfig | undefined;
  roleNames: string[];
  readOnly: boolean;
  onSaved: (config: AuthMachineToMachineConfig) => void;
}

export function M2mForm({ config, roleNames, readOnly, onSaved }: Props) {
  const creating = config === undefined;
  const [type, setType] = useState<AuthMachineToMachineConfigType>(
    config?.type || AuthMachineToMachineConfigType.GENERIC);
  const [issuer, setIssuer] = useState(config?.issuer ?? "");
  const [audiences, setAudiences] = useState((config?.audiences ?? []).join("\n"));
  const [anyAudience, setAnyAudience] = useState(config?.allowAnyAudience ?? false);
  const [lifetime, setLifetime] = useState(config?.tokenExpirationDuration || "5m");
  const [mappings, setMappings] = useState<Row[]>(
    (config?.mappings ?? []).map((m) => row({ key: m.key, valueExpression: m.valueExpression, role: m.role })));
  const save = useSave();
  const github = type === AuthMachineToMachineConfigType.GITHUB_ACTIONS;

  const submit = async (e: Event) => {
    e.preventDefault();
    const body = {
      id: config?.id ?? "",
      type,
      issuer: issuer.trim(),
      audiences: audiences.split("\n").map((a) => a.trim()).filter(Boolean),
      allowAnyAudience: anyAudience,
      tokenExpirationDuration: lifetime.trim(),
      mappings: mappings.map(({ key, valueExpression, role }) => ({ key, valueExpression, role })),
    };
    const call = creating ? auth.addAuthMachineToMachineConfig : auth.updateAuthMachineToMachineConfig;
    await save.run(creating, async () => (await call({ config: body })).config, onSaved);
  };

  return (
    <form onSubmit={submit} aria-busy={save.busy} class="stack">
      <fieldset class="plain" disabled={readOnly}>
        <div class="field">
          <label for="m2m-type">Type</label>
          <select id="m2m-type" value={type}
                  onChange={(e) => setType(Number(e.currentTarget.value) as AuthMachineToMachineConfigType)}>
            {types.map((t) => <option key={t} value={t}>{m2mTypeLabel[t]}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="m2m-issuer">Issuer</label>
          <input id="m2m-issuer" type="url" class="mono" value={issuer} required={!github}
                 placeholder={github ? githubIssuer : "https://issuer.example.com"}
                 aria-describedby="m2m-issuer-hint"
                 onInput={(e) => setIssuer(e.currentTarget.value)} />
          <p class="hint" id="m2m-issuer-hint">
            {github ? `Empty means GitHub's issuer, ${githubIssuer}.`
                    : "An https URL. Warden fetches its keys (OIDC discovery) before saving."}
          </p>
        </div>
        <LinesField id="m2m-audiences" label="Audiences" rows={3} value={audiences} onValue={setAudiences}>
          One per line: the ID token's aud must contain one of them.
        </LinesField>
        <div class="field">
          <label class="check">
            <input type="checkbox" checked={anyAudience}
                   onChange={(e) => setAnyAudience(e.currentTarget.checked)} />
            Accept any audience
          </label>
          <p class="hint">Required when no audience is listed.</p>
        </div>
        <div class="field">
          <label for="m2m-lifetime">Token lifetime</label>
          <input id="m2m-lifetime" required class="mono narrow" value={lifetime}
                 aria-describedby="m2m-lifetime-hint"
                 onInput={(e) => setLifetime(e.currentTarget.value)} />
          <p class="hint" id="m2m-lifetime-hint">How long exchanged Warden tokens live: 1m to 24h, such as 5m or 1h.</p>
        </div>
      </fieldset>
      <fieldset class="plain">
        <legend>Mappings</legend>
        <p class="hint">
          A token gets every role whose mapping matches its claims. Nested claims are reached with
          dots (kubernetes.io.namespace).
        </p>
        {mappings.length === 0 && <p class="muted">No mappings: no token can be exchanged.</p>}
        {mappings.map((m, i) => (
          <MappingEditor
            key={m.uid}
            index={i}
            mapping={m}
            roleNames={roleNames}
            disabled={readOnly}
            onChange={(next) => setMappings(mappings.map((x, j) => (j === i ? { ...next, uid: x.uid } : x)))}
            onRemove={() => setMappings(mappings.filter((_, j) => j !== i))}
          />
        ))}
        {!readOnly && (
          <button type="button" onClick={() => setMappings([...mappings, row({ key: "", valueExpression: "", role: "" })])}>
            Add mapping
          </button>
        )}
      </fieldset>
      <SaveFooter state={save} creating={creating} readOnly={readOnly}
                  createLabel="Add" creatingLabel="Adding…" />
    </form>
  );
}
