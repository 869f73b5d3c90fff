// A column header that sorts the table by its column, announcing the order with aria-sort.
import type { ComponentChildren } from "preact";

export type SortDir = "ascending" | "descending";

export interface Sort<K extends string> {
  key: K;
  dir: SortDir;
}

interface Props<K extends string> {
  column: K;
  sort: Sort<K>;
  onSort: (s: Sort<K>) => void;
  children: ComponentChildren;
}

export function SortHeader<K extends string>({ column, sort, onSort, children }: Props<K>) {
  const active = sort.key === column;
  const next: SortDir = active && sort.dir === "ascending" ? "descending" : "ascending";
  return (
    <th scope="col" aria-sort={active ? sort.dir : "none"}>
      <button type="button" class="sort" onClick={() => onSort({ key: column, dir: next })}>
        {children}
        <span class="sort-mark" aria-hidden="true">
          {active ? (sort.dir === "ascending" ? "▲" : "▼") : "↕"}
        </span>
      </button>
    </th>
  );
}
