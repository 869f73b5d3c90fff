// Who minted a token: its creator's name when the server recorded one (a person's name,
// "admin", the minting token's name), else the raw "user:admin" / "user:<provider>:<sub>".
// In the token list it is a link to that creator's tokens (the list filtered by created_by);
// elsewhere "token:<id>" is a link to that token. The raw creator is on hover.
import { href } from "../router";

interface Props {
  by: string;
  // TokenMetadata.created_by_name; empty for tokens minted before it was recorded.
  name: string;
  // Show the raw creator beside the name rather than only on hover.
  full?: boolean;
  // Link to the list of this creator's tokens rather than to the minting token.
  filter?: boolean;
}

// What the "Created by" column shows (and sorts by).
export function createdByLabel(by: string, name: string): string {
  if (name) return name;
  if (by.startsWith("token:")) return `token ${by.slice("token:".length, "token:".length + 8)}…`;
  return by;
}

// The token list showing only the tokens `by` created: a URL that can be bookmarked.
export function createdByHref(by: string): string {
  return `${href("tokens")}?${new URLSearchParams({ created_by: by })}`;
}

export function CreatedBy({ by, name, full, filter }: Props) {
  const label = full && !name ? by : createdByLabel(by, name);
  const text = full && name ? `${label} (${by})` : label;
  if (filter && by) {
    return <a href={createdByHref(by)} title={`Show only the tokens ${by} created`}>{text}</a>;
  }
  if (by.startsWith("token:")) {
    const id = by.slice("token:".length);
    return <a href={href("tokens", id)} title={by}>{text}</a>;
  }
  return <span title={by}>{text}</span>;
}
