// Tokens: every token (or one creator's, `#/tokens?created_by=…`), filtered, sorted and
// paged in the browser; the expiry banner; Generate token, Rotate and Revoke.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { tokens } from "../api";
import { CreatedBy, createdByLabel } from "../components/CreatedBy";
import { CreatorFilter } from "../components/CreatorFilter";
import { ErrorAlert } from "../components/ErrorAlert";
import { GenerateTokenDialog } from "../components/GenerateTokenDialog";
import { Loading } from "../components/Loading";
import { Pager } from "../components/Pager";
import { RevokeTokenDialog } from "../components/RevokeTokenDialog";
import { RotateTokenDialog, rotateBlocked } from "../components/RotateTokenDialog";
import { SortHeader } from "../components/SortHeader";
import type { Sort } from "../components/SortHeader";
import { Time } from "../components/Time";
import { TokenStatus, tokenState } from "../components/TokenStatus";
import type { TokenState } from "../components/TokenStatus";
import { AccessLevel } from "../gen/warden/v1/access_pb";
import type { TokenMetadata } from "../gen/warden/v1/token_pb";
import { expiresInLessThan, fromDateLocal, plural, windowWords } from "../format";
import { useCan } from "../identity";
import { listAllTokens } from "../list_tokens";
import { useLoad } from "../load";
import { href, navigate } from "../router";

type StatusFilter = "live" | "revoked" | "expired" | "all";
type SortKey = "name" | "createdBy" | "issued" | "expires" | "lastUsed" | "status";

const pageSize = 25;

const ms = (t: Timestamp | undefined): number =>
  t ? timestampDate(t).getTime() : Number.NEGATIVE_INFINITY;

function listAll(status: StatusFilter, unusedSince: string, createdBy: string,
                 signal: AbortSignal) {
  return listAllTokens({
    revoked: status === "revoked" ? true : status === "all" ? undefined : false,
    includeExpired: status !== "live",
    unusedSince: fromDateLocal(unusedSince),
    createdBy,
  }, signal);
}

// Tokens minted to live a day or less (the console's own sign-in sessions, wardenctl
// login's) are meant to lapse: no warning for them.
const shortLivedMs = 24 * 60 * 60 * 1000;

function meantToLapse(t: TokenMetadata): boolean {
  return ms(t.expiration) - ms(t.issuedAt) <= shortLivedMs;
}

async function listExpiring(signal: AbortSignal) {
  const ids = new Set<string>();
  let within = 0;
  let pageToken = "";
  do {
    const res = await tokens.listExpiringTokens({ pageSize: 1000, pageToken }, { signal });
    for (const e of res.tokens) if (e.token && !meantToLapse(e.token)) ids.add(e.token.id);
    within = Number(res.within?.seconds ?? 0n);
    pageToken = res.nextPageToken;
  } while (pageToken);
  return { ids, within };
}

function compare(a: TokenMetadata, b: TokenMetadata, key: SortKey, now: number): number {
  switch (key) {
    case "name":
      return a.name.localeCompare(b.name);
    case "createdBy":
      return createdByLabel(a.createdBy, a.createdByName)
        .localeCompare(createdByLabel(b.createdBy, b.createdByName));
    case "issued":
      return ms(a.issuedAt) - ms(b.issuedAt);
    case "expires":
      return ms(a.expiration) - ms(b.expiration);
    case "lastUsed":
      return ms(a.lastUsedAt) - ms(b.lastUsedAt);
    case "status":
      return tokenState(a, now).localeCompare(tokenState(b, now));
  }
}

interface Props {
  // Only this identity's tokens (TokenMetadata.created_by), from the URL; empty: everyone's.
  createdBy: string;
}

export function Tokens({ createdBy }: Props) {
  const [status, setStatus] = useState<StatusFilter>("live");
  const [expiringDays, setExpiringDays] = useState("");
  const [unusedSince, setUnusedSince] = useState("");
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<Sort<SortKey>>({ key: "issued", dir: "descending" });
  const [page, setPage] = useState(0);
  const [generating, setGenerating] = useState(false);
  const [revoking, setRevoking] = useState<TokenMetadata | null>(null);
  const [rotating, setRotating] = useState<TokenMetadata | null>(null);
  // What the last revocation did ("Revoked 2 tokens: …").
  const [notice, setNotice] = useState("");
  // GenerateToken needs Read on Access and Read-write on Integration; RevokeToken the latter.
  const canRevoke = useCan("Integration", AccessLevel.READ_WRITE_ACCESS);
  const canGenerate = useCan("Access", AccessLevel.READ_ACCESS) && canRevoke;

  const list = useLoad((signal) => listAll(status, unusedSince, createdBy, signal),
                       [status, unusedSince, createdBy]);
  useEffect(() => setPage(0), [createdBy]);
  const expiring = useLoad(listExpiring, []);
  const refresh = () => {
    list.reload();
    expiring.reload();
  };
  // The creator's name, kept once seen: the list may lose it (all its tokens revoked).
  const creator = useRef({ by: "", name: "" });
  const seenName = list.data?.find((t) => t.createdByName)?.createdByName;
  if (seenName) creator.current = { by: createdBy, name: seenName };
  const creatorName = creator.current.by === createdBy ? creator.current.name : "";
  const revoked = (outcome: string) => {
    setNotice(outcome);
    refresh();
  };

  const now = Date.now();
  const shown = useMemo(() => {
    const days = Number(expiringDays);
    const horizon = expiringDays !== "" && days >= 0 ? now + days * 86_400_000 : undefined;
    const needle = search.trim().toLowerCase();
    const wanted: Record<StatusFilter, TokenState | undefined> =
      { live: "Live", revoked: "Revoked", expired: "Expired", all: undefined };
    const rows = (list.data ?? []).filter((t) => {
      const state = tokenState(t, now);
      if (wanted[status] && state !== wanted[status]) return false;
      if (horizon !== undefined && (state !== "Live" || ms(t.expiration) > horizon)) return false;
      return !needle || t.name.toLowerCase().includes(needle) ||
        t.description.toLowerCase().includes(needle);
    });
    const sign = sort.dir === "ascending" ? 1 : -1;
    return rows.sort((a, b) =>
      sign * compare(a, b, sort.key, now) || ms(a.issuedAt) - ms(b.issuedAt) || a.id.localeCompare(b.id));
    // `now` changes every render; the list is recomputed when its inputs change.
  }, [list.data, status, expiringDays, search, sort]);

  const pages = Math.max(1, Math.ceil(shown.length / pageSize));
  const at = Math.min(page, pages - 1);
  const visible = shown.slice(at * pageSize, (at + 1) * pageSize);
  const filtered = status !== "live" || expiringDays !== "" || unusedSince !== "" || search !== "" ||
    createdBy !== "";

  const change = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    setPage(0);
  };
  const clear = () => {
    setStatus("live");
    setExpiringDays("");
    setUnusedSince("");
    setSearch("");
    setPage(0);
    if (createdBy) navigate(href("tokens"));
  };
  const windowDays = (expiring.data?.within ?? 0) / 86400;
  const showExpiring = () => {
    clear();
    setExpiringDays(String(windowDays));
    setSort({ key: "expires", dir: "ascending" });
  };

  const openRow = (e: MouseEvent, t: TokenMetadata) => {
    const target = e.target as HTMLElement;
    if (target.closest("a, button, input, select, textarea, label")) return;
    navigate(href("tokens", t.id));
  };

  const expiringCount = expiring.data?.ids.size ?? 0;
  return (
    <section aria-labelledby="tokens-title">
      <div class="page-head">
        <h1 id="tokens-title">Tokens</h1>
        {canGenerate && (
          <button type="button" class="primary" onClick={() => setGenerating(true)}>
            Generate token
          </button>
        )}
      </div>

      {expiringCount > 0 && expiring.data && (
        <div class="banner">
          <p>
            <strong>
              {expiringCount === 1 ? "1 token expires" : `${expiringCount} tokens expire`} in less
              than {windowWords(expiring.data.within)}
            </strong>
            . Generate replacements before they stop working.
          </p>
          <button type="button" onClick={showExpiring}>Show them</button>
        </div>
      )}
      <ErrorAlert error={expiring.error} context="Could not check for tokens that expire soon" />
      {notice && <p role="status" class="ok">{notice}</p>}
      {createdBy && (
        <CreatorFilter
          createdBy={createdBy}
          name={creatorName}
          canRevoke={canRevoke}
          onRevoked={revoked}
        />
      )}

      <form class="filters" role="search" aria-label="Filter tokens" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="f-status">Status</label>
          <select id="f-status" value={status}
                  onChange={(e) => change(setStatus)(e.currentTarget.value as StatusFilter)}>
            <option value="live">Live</option>
            <option value="revoked">Revoked</option>
            <option value="expired">Expired</option>
            <option value="all">All</option>
          </select>
        </div>
        <div class="field">
          <label for="f-expiring">Expiring within (days)</label>
          <input id="f-expiring" type="number" min="0" step="any" inputMode="decimal"
                 value={expiringDays}
                 onInput={(e) => change(setExpiringDays)(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="f-unused">Unused since</label>
          <input id="f-unused" type="date" value={unusedSince}
                 onInput={(e) => change(setUnusedSince)(e.currentTarget.value)} />
        </div>
        <div class="field grow">
          <label for="f-search">Search by name or description</label>
          <input id="f-search" type="search" value={search}
                 onInput={(e) => change(setSearch)(e.currentTarget.value)} />
        </div>
        <div class="field end">
          <button type="button" onClick={clear} disabled={!filtered}>Clear filters</button>
        </div>
      </form>

      <ErrorAlert error={list.error} context="Could not load tokens" />
      {list.loading && <Loading label={list.data ? "Refreshing…" : "Loading tokens…"} />}

      {list.data && (
        <div aria-busy={list.loading}>
          <p class="muted" role="status">
            {shown.length === 0
              ? (filtered ? "No tokens match these filters." : "No tokens yet.")
              : `Showing ${at * pageSize + 1}–${at * pageSize + visible.length} of ${plural(shown.length, "token", "tokens")}`}
          </p>
          {shown.length > 0 && (
            <div class="table-wrap">
              <table class="list">
                <caption class="sr-only">Tokens</caption>
                <thead>
                  <tr>
                    <SortHeader column="name" sort={sort} onSort={change(setSort)}>Name</SortHeader>
                    <th scope="col">Roles</th>
                    <SortHeader column="createdBy" sort={sort} onSort={change(setSort)}>Created by</SortHeader>
                    <SortHeader column="issued" sort={sort} onSort={change(setSort)}>Issued</SortHeader>
                    <SortHeader column="expires" sort={sort} onSort={change(setSort)}>Expires</SortHeader>
                    <SortHeader column="lastUsed" sort={sort} onSort={change(setSort)}>Last used</SortHeader>
                    <SortHeader column="status" sort={sort} onSort={change(setSort)}>Status</SortHeader>
                    <th scope="col"><span class="sr-only">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  {visible.map((t) => {
                    const state = tokenState(t, now);
                    const soon = state === "Live" && expiring.data?.ids.has(t.id);
                    return (
                      <tr key={t.id} class="clickable" onClick={(e) => openRow(e, t)}>
                        <th scope="row">
                          <a href={href("tokens", t.id)}>{t.name}</a>
                          {t.description && (
                            <span class="description" title={t.description}>{t.description}</span>
                          )}
                        </th>
                        <td>{t.roles.join(", ")}</td>
                        <td><CreatedBy by={t.createdBy} name={t.createdByName} filter /></td>
                        <td><Time value={t.issuedAt} /></td>
                        <td>
                          <Time value={t.expiration} />
                          {soon && (
                            <span class="badge soon">{expiresInLessThan(ms(t.expiration) - now)}</span>
                          )}
                        </td>
                        <td><Time value={t.lastUsedAt} empty="Never" /></td>
                        <td>
                          <TokenStatus state={state} />
                          {t.rotatedTo && <span class="badge muted-badge">Rotated</span>}
                        </td>
                        <td class="row-actions">
                          {canGenerate && !rotateBlocked(t, now) && (
                            <button type="button" class="small" onClick={() => setRotating(t)}>
                              Rotate
                            </button>
                          )}
                          {state === "Live" && canRevoke && (
                            <button type="button" class="danger small" onClick={() => setRevoking(t)}>
                              Revoke
                            </button>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          <Pager page={at} pages={pages} onPage={setPage} label="Token pages" />
        </div>
      )}

      {generating && (
        <GenerateTokenDialog onClose={() => setGenerating(false)} onGenerated={refresh} />
      )}
      {rotating && (
        <RotateTokenDialog token={rotating} onClose={() => setRotating(null)} onRotated={refresh} />
      )}
      {revoking && (
        <RevokeTokenDialog
          target={{ token: revoking }}
          onRevoked={(outcome) => {
            setRevoking(null);
            revoked(outcome);
          }}
          onCancel={() => setRevoking(null)}
        />
      )}
    </section>
  );
}
