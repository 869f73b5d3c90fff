// Every token a ListTokens filter matches, all pages of it, for the pages that filter, sort and
// count in the browser.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { tokens } from "./api";
import type { TokenMetadata } from "./gen/warden/v1/token_pb";

export interface TokenFilter {
  // Only revoked tokens if true, only unrevoked ones if false, both if undefined.
  revoked?: boolean;
  includeExpired?: boolean;
  // Only tokens not used since then.
  unusedSince?: Date;
  // Only tokens this identity created (TokenMetadata.created_by); empty: anyone's.
  createdBy?: string;
}

export async function listAllTokens(filter: TokenFilter, signal: AbortSignal): Promise<TokenMetadata[]> {
  const all: TokenMetadata[] = [];
  let pageToken = "";
  do {
    const res = await tokens.listTokens(
      {
        revoked: filter.revoked,
        includeExpired: filter.includeExpired ?? false,
        pageSize: 1000,
        pageToken,
        unusedSince: filter.unusedSince ? timestampFromDate(filter.unusedSince) : undefined,
        createdBy: filter.createdBy ?? "",
      },
      { signal });
    all.push(...res.tokens);
    pageToken = res.nextPageToken;
  } while (pageToken);
  return all;
}
