// A permission set's name, description and resource × access matrix, to create or edit.
import { useEffect, useState } from "preact/hooks";
import { roles } from "../api";
import { AccessLevel } from "../gen/warden/v1/access_pb";
import type { PermissionSet } from "../gen/warden/v1/role_pb";
import { useSave } from "../save";
import { AccessMatrix } from "./AccessMatrix";
import { NameFields } from "./NameFields";
import { SaveFooter } from "./SaveFooter";

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
  const save = useSave();
  useEffect(() => save.setSaved(false), [name, description, access]);
  // Resources the set names that the server no longer lists still show.
  const all = [...new Set([...resources, ...Object.keys(access)])].sort();

  const submit = async (e: Event) => {
    e.preventDefault();
    const resourceToAccess = Object.fromEntries(
      Object.entries(access).filter(([, l]) => l > AccessLevel.NO_ACCESS));
    const permissionSet = { id: set?.id ?? "", name, description, resourceToAccess };
    const call = creating ? roles.createPermissionSet : roles.updatePermissionSet;
    await save.run(creating, async () => (await call({ permissionSet })).permissionSet, onSaved);
  };

  return (
    <form onSubmit={submit} aria-busy={save.busy} class="stack">
      <fieldset class="plain" disabled={readOnly}>
        <NameFields idPrefix="ps" name={name} description={description}
                    onName={setName} onDescription={setDescription} />
      </fieldset>
      <AccessMatrix resources={all} value={access} onChange={setAccess} disabled={readOnly} />
      <SaveFooter state={save} creating={creating} readOnly={readOnly} />
    </form>
  );
}
