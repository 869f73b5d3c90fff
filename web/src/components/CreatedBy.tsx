// Who minted a token: its creator's name when the server recorded one (a person's name,
// "admin", the minting token's name), else the raw "user:admin" / "user:<provider>:<sub>";
// "token:<id>" is a link to that token either way. The raw creator is on hover.
import { href } from "../router";

interface Props {
  by: string;
  // TokenMetadata.created_by_name; empty for tokens minted before it was recorded.
  name: string;
  // Show the raw creator beside the name rather than only on hover.
  full?: boolean;
}

// What the "Created by" column shows (and sorts by).
export function createdByLabel(by: string, name: string): string {
  if (name) return name;
  if (by.startsWith("token:")) return `token ${by.slice("token:".length, "token:".length + 8)}…`;
  return by;
}

export function CreatedBy({ by, name, full }: Props) {
  const label = full && !name ? by : createdByLabel(by, name);
  const text = full && name ? `${label} (${by})` : label;
  if (by.startsWith("token:")) {
    const id = by.slice("token:".length);
    return <a href={href("tokens", id)} title={by}>{text}</a>;
  }
  return <span title={by}>{text}</span>;
}
