// A token's state in one word, as a badge: Live, Revoked or Expired.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { TokenMetadata } from "../gen/warden/v1/token_pb";

export type TokenState = "Live" | "Revoked" | "Expired";

export function tokenState(t: TokenMetadata, now: number): TokenState {
  if (t.revoked) return "Revoked";
  if (t.expiration && timestampDate(t.expiration).getTime() <= now) return "Expired";
  return "Live";
}

export function TokenStatus({ state }: { state: TokenState }) {
  return <span class={`badge ${state.toLowerCase()}`}>{state}</span>;
}
