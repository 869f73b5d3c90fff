// An access scope's name, description and rules (clusters, cluster/namespace pairs).
import { useState } from "preact/hooks";
import { roles } from "../api";
import type { AccessScope } from "../gen/warden/v1/role_pb";
import { useSave } from "../save";
import { LinesField } from "./LinesField";
import { NameFields } from "./NameFields";
import { SaveFooter } from "./SaveFooter";

interface Props {
  scope: AccessScope | undefined;
  readOnly: boolean;
  onSaved: (scope: AccessScope) => void;
}

const lines = (text: string) => text.split("\n").map((l) => l.trim()).filter(Boolean);

export function ScopeForm({ scope, readOnly, onSaved }: Props) {
  const creating = scope === undefined;
  const [name, setName] = useState(scope?.name ?? "");
  const [description, setDescription] = useState(scope?.description ?? "");
  const [clusters, setClusters] = useState((scope?.rules?.clusters ?? []).join("\n"));
  const [namespaces, setNamespaces] = useState(
    (scope?.rules?.namespaces ?? []).map((n) => `${n.cluster}/${n.namespace}`).join("\n"));
  const [problem, setProblem] = useState("");
  const save = useSave();

  const submit = async (e: Event) => {
    e.preventDefault();
    save.reset();
    setProblem("");
    const refs = [];
    for (const line of lines(namespaces)) {
      // Namespace names never hold "/"; a cluster name might.
      const at = line.lastIndexOf("/");
      if (at <= 0 || at === line.length - 1) {
        setProblem(`"${line}" is not of the form cluster/namespace.`);
        return;
      }
      refs.push({ cluster: line.slice(0, at), namespace: line.slice(at + 1) });
    }
    const accessScope = {
      id: scope?.id ?? "",
      name,
      description,
      rules: { clusters: lines(clusters), namespaces: refs },
    };
    const call = creating ? roles.createAccessScope : roles.updateAccessScope;
    await save.run(creating, async () => (await call({ accessScope })).accessScope, onSaved);
  };

  return (
    <form onSubmit={submit} aria-busy={save.busy} class="stack">
      <fieldset class="plain" disabled={readOnly}>
        <NameFields idPrefix="scope" name={name} description={description}
                    onName={setName} onDescription={setDescription} />
        <LinesField id="scope-clusters" label="Clusters" rows={4} value={clusters} onValue={setClusters}>
          Whole clusters, one name per line.
        </LinesField>
        <LinesField id="scope-namespaces" label="Namespaces" rows={4} value={namespaces} onValue={setNamespaces}>
          Single namespaces, one per line, as cluster/namespace.
        </LinesField>
      </fieldset>
      {problem && <p role="alert" class="alert">{problem}</p>}
      <SaveFooter state={save} creating={creating} readOnly={readOnly} />
    </form>
  );
}
