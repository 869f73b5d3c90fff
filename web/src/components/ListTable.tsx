// A list page's table: a caption for screen readers, a header row of column names, and the
// rows the page gives as children. Marked busy while the list reloads.
import type { ComponentChildren } from "preact";

interface Props {
  caption: string;
  columns: string[];
  busy: boolean;
  children: ComponentChildren;
}

export function ListTable({ caption, columns, busy, children }: Props) {
  return (
    <div class="table-wrap" aria-busy={busy}>
      <table class="list">
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => <th key={c} scope="col">{c}</th>)}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
