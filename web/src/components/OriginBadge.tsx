// Who manages an object: Built-in, Declarative or Custom (made through the API).
import { Origin } from "../gen/warden/v1/role_pb";
import { originLabel } from "../format";

export function OriginBadge({ origin }: { origin: Origin }) {
  const cls = origin === Origin.API ? "badge" : "badge muted-badge";
  return <span class={cls}>{originLabel[origin]}</span>;
}
