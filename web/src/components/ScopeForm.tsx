// An access scope's name, description and rules (clusters, cluster/namespace pairs).
import { useState } from "preact/hooks";
import { roles } from "../api";
import type { AccessScope } from "../gen/warden/v1/role_pb";
import { ErrorAlert } from "./ErrorAlert";

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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [problem, setProblem] = useState("");
  const [saved, setSaved] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setProblem("");
    setSaved(false);
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
    const body = {
      id: scope?.id ?? "",
      name,
      description,
      rules: { clusters: lines(clusters), namespaces: refs },
    };
    setBusy(true);
    try {
      const res = creating
        ? await roles.createAccessScope({ accessScope: body })
        : await roles.updateAccessScope({ accessScope: body });
      if (res.accessScope) {
        setSaved(!creating);
        onSaved(res.accessScope);
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
          <label for="scope-name">Name</label>
          <input id="scope-name" required maxLength={128} value={name}
                 onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="scope-description">Description</label>
          <textarea id="scope-description" rows={2} value={description}
                    onInput={(e) => setDescription(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="scope-clusters">Clusters</label>
          <textarea id="scope-clusters" rows={4} class="mono" value={clusters}
                    aria-describedby="scope-clusters-hint"
                    onInput={(e) => setClusters(e.currentTarget.value)} />
          <p class="hint" id="scope-clusters-hint">Whole clusters, one name per line.</p>
        </div>
        <div class="field">
          <label for="scope-namespaces">Namespaces</label>
          <textarea id="scope-namespaces" rows={4} class="mono" value={namespaces}
                    aria-describedby="scope-namespaces-hint"
                    onInput={(e) => setNamespaces(e.currentTarget.value)} />
          <p class="hint" id="scope-namespaces-hint">Single namespaces, one per line, as cluster/namespace.</p>
        </div>
      </fieldset>
      {problem && <p role="alert" class="alert">{problem}</p>}
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
