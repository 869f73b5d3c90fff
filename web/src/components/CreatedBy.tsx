// Who minted a token: "user:admin" as is, "token:<id>" as a link to that token.
import { href } from "../router";

interface Props {
  by: string;
  // Show the whole "token:<id>" rather than a short form.
  full?: boolean;
}

export function CreatedBy({ by, full }: Props) {
  if (by.startsWith("token:")) {
    const id = by.slice("token:".length);
    return <a href={href("tokens", id)} title={by}>{full ? by : `token ${id.slice(0, 8)}…`}</a>;
  }
  return <span>{by}</span>;
}
