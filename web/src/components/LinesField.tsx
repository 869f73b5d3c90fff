// A list typed one item per line (clusters, namespaces, audiences), with a hint under it
// whose id is `<id>-hint`.
import type { ComponentChildren } from "preact";

interface Props {
  id: string;
  label: string;
  rows: number;
  value: string;
  onValue: (value: string) => void;
  children: ComponentChildren;
}

export function LinesField({ id, label, rows, value, onValue, children }: Props) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea id={id} rows={rows} class="mono" value={value} aria-describedby={`${id}-hint`}
                onInput={(e) => onValue(e.currentTarget.value)} />
      <p class="hint" id={`${id}-hint`}>{children}</p>
    </div>
  );
}
