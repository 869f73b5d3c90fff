// Previous / Next over pages of a client-side list.
interface Props {
  page: number;
  pages: number;
  onPage: (page: number) => void;
  label: string;
}

export function Pager({ page, pages, onPage, label }: Props) {
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" onClick={() => onPage(page - 1)} disabled={page <= 0}>Previous</button>
      <span>Page {page + 1} of {pages}</span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={page >= pages - 1}>Next</button>
    </nav>
  );
}
