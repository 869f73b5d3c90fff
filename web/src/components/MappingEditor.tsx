// One claim-to-role mapping of a machine-to-machine configuration (or rule of an auth
// provider: the same key / value expression / role, matched the same way), with a live
// check of its value expression against a sample claim value.
import { useState } from "preact/hooks";
import { previewMatch } from "../regex";

export interface MappingDraft {
  key: string;
  valueExpression: string;
  role: string;
}

interface Props {
  index: number;
  mapping: MappingDraft;
  roleNames: string[];
  disabled: boolean;
  // What one is called: "Mapping" (the default) or "Rule"; names the group, its fields' ids
  // and its Remove button.
  noun?: string;
  // Examples shown in the empty key and value expression fields.
  examples?: { key: string; valueExpression: string };
  onChange: (m: MappingDraft) => void;
  onRemove: () => void;
}

export function MappingEditor({ index, mapping, roleNames, disabled, noun = "Mapping",
                                examples = { key: "repository_owner", valueExpression: "my-org/.*" },
                                onChange, onRemove }: Props) {
  const [sample, setSample] = useState("");
  const n = index + 1;
  const id = (what: string) => `${noun.toLowerCase()}-${index}-${what}`;
  const preview = mapping.valueExpression && sample !== ""
    ? previewMatch(mapping.valueExpression, sample)
    : undefined;
  const roles = roleNames.includes(mapping.role) || !mapping.role ? roleNames : [mapping.role, ...roleNames];
  return (
    <fieldset class="mapping">
      <legend>{noun} {n}</legend>
      <div class="mapping-grid">
        <div class="field">
          <label for={id("key")}>Claim key</label>
          <input id={id("key")} required class="mono" value={mapping.key} disabled={disabled}
                 placeholder={examples.key}
                 onInput={(e) => onChange({ ...mapping, key: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for={id("expr")}>Value expression</label>
          <input id={id("expr")} required class="mono" value={mapping.valueExpression} disabled={disabled}
                 placeholder={examples.valueExpression}
                 onInput={(e) => onChange({ ...mapping, valueExpression: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for={id("role")}>Role</label>
          <select id={id("role")} required value={mapping.role} disabled={disabled}
                  onChange={(e) => onChange({ ...mapping, role: e.currentTarget.value })}>
            <option value="">Choose a role</option>
            {roles.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </div>
      </div>
      <div class="field check-expr">
        <label for={id("sample")}>Sample claim value</label>
        <input id={id("sample")} class="mono" value={sample} aria-describedby={id("result")}
               onInput={(e) => setSample(e.currentTarget.value)} />
        <p id={id("result")} class="hint" role="status">
          {preview?.kind === "match" && <span class="badge live">Matches</span>}
          {preview?.kind === "no-match" && <span class="badge revoked">Does not match</span>}
          {preview?.kind === "invalid" && <span class="badge revoked">{preview.message}</span>}
          {" "}Preview in your browser: the expression must match the whole value (an array
          claim matches if any element does). JavaScript's regular expressions stand in for
          RE2, which the server uses.
        </p>
      </div>
      {!disabled && (
        <button type="button" class="small" onClick={onRemove}>Remove {noun.toLowerCase()} {n}</button>
      )}
    </fieldset>
  );
}
