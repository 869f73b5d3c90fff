// The status shown while a call is pending.
interface Props {
  label?: string;
}

export function Loading({ label = "Loading…" }: Props) {
  return <p role="status" aria-busy="true" class="loading">{label}</p>;
}
