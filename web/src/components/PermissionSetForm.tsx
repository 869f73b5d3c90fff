// A permission set's name, description and resource × access matrix, to create or edit.
import { useEffect, useState } from "preact/hooks";
import { roles } from "../api";
import { AccessLevel } from "../gen/warden/v1/access_pb";
import type { PermissionSet } from "../gen/warden/v1/role_pb";
import { AccessMatrix } from "./AccessMatrix";
import { ErrorAlert } from "./ErrorAlert";

interface FormProps {
  set: PermissionSet | undefined;
  resources: string[];
  readOnly: boolean;
  onSaved: (set: PermissionSet) => void;
}

export function PermissionSetForm({ set, resources, readOnly, onSaved }: FormProps) {
  const creating = set === undefined;
  const [name, setName] = useState(set?.name ?? "");
  const [description, setDescription] = useState(set?.description ?? "");
  const [access, setAccess] = useState<Record<string, AccessLevel>>({ ...(set?.resourceToAccess ?? {}) });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);
  useEffect(() => setSaved(false), [name, description, access]);
  // Resources the set names that the server no longer lists still show.
  const all = [...new Set([...resources, ...Object.keys(access)])].sort();

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const resourceToAccess = Object.fromEntries(
      Object.entries(access).filter(([, l]) => l > AccessLevel.NO_ACCESS));
    const body = { id: set?.id ?? "", name, description, resourceToAccess };
    try {
      const res = creating
        ? await roles.createPermissionSet({ permissionSet: body })
        : await roles.updatePermissionSet({ permissionSet: body });
      if (res.permissionSet) {
        setSaved(!creating);
        onSaved(res.permissionSet);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-busy={busy} class="stack">
      <fieldset class="plain" disabled={readOnly}>
        <div class="field">
          <label for="ps-name">Name</label>
          <input id="ps-name" required maxLength={128} value={name}
                 onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="ps-description">Description</label>
          <textarea id="ps-description" rows={2} value={description}
                    onInput={(e) => setDescription(e.currentTarget.value)} />
        </div>
      </fieldset>
      <AccessMatrix resources={all} value={access} onChange={setAccess} disabled={readOnly} />
      <ErrorAlert error={error} />
      {saved && <p role="status" class="ok">Saved.</p>}
      {!readOnly && (
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? (creating ? "Creating…" : "Saving…") : (creating ? "Create" : "Save changes")}
          </button>
        </div>
      )}
    </form>
  );
}
