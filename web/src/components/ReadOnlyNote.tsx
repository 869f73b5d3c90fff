// Why the form below cannot be changed.
interface Props {
  reason: string | undefined;
}

export function ReadOnlyNote({ reason }: Props) {
  if (!reason) return null;
  return <p class="note" role="note">{reason}</p>;
}
