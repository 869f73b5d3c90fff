// The console's session: the admin password traded for a short-lived API token, exactly as
// `wardenctl login` does; a person's session from an auth provider (CompleteSignIn, see
// provider_signin.ts); or an API token the person brought. Only the token, its id, its expiry
// and who it is are kept, in sessionStorage (this tab only; never a cookie, never the URL,
// never localStorage). The password is not kept at all.
import { useEffect, useState } from "preact/hooks";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { auth, configureAuth, tokens } from "./api";
import type { SignInSession } from "./gen/warden/v1/auth_provider_pb";
import { currentLocation, navigate } from "./router";

export interface Session {
  token: string;
  id: string;
  // Milliseconds since the epoch.
  expiresAt: number;
  // Minted by this console at sign-in (revoked at sign-out), rather than an API token the
  // person brought (only forgotten: it is theirs).
  minted: boolean;
  // For a person signed in through an auth provider: who, for the header. Signing out then
  // calls AuthService.SignOut, which ends the session whatever its roles.
  person?: Person;
}

export interface Person {
  // The person's name (the provider's name claim) and the provider's name.
  name: string;
  provider: string;
}

const storageKey = "warden.console.session";
const lifetimeMs = 60 * 60 * 1000;

let listeners: Array<() => void> = [];
let expiryTimer: number | undefined;
// Set when a session ended by itself; the sign-in page says so.
let expiredNotice = false;
// The token being revoked by signOut: a call refused meanwhile is not an expiry.
let signingOut: string | undefined;

function read(): Session | null {
  try {
    const raw = window.sessionStorage.getItem(storageKey);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.token !== "string" || typeof s.id !== "string" || typeof s.expiresAt !== "number") {
      return null;
    }
    const p = s.person;
    const person = p && typeof p.name === "string" && typeof p.provider === "string"
      ? { name: p.name, provider: p.provider }
      : undefined;
    return { token: s.token, id: s.id, expiresAt: s.expiresAt, minted: s.minted !== false, person };
  } catch {
    return null;
  }
}

function notify(): void {
  for (const l of listeners) l();
}

function store(s: Session | null): void {
  if (s) window.sessionStorage.setItem(storageKey, JSON.stringify(s));
  else window.sessionStorage.removeItem(storageKey);
  schedule(s);
  notify();
}

function schedule(s: Session | null): void {
  if (expiryTimer !== undefined) window.clearTimeout(expiryTimer);
  expiryTimer = undefined;
  if (!s) return;
  // setTimeout holds at most about 24 days (an API token may live a year): a timer that
  // fires before the expiry only sets the next one.
  const left = Math.max(s.expiresAt - Date.now(), 0);
  const wait = Math.min(left, 2 ** 31 - 1);
  expiryTimer = window.setTimeout(() => (wait < left ? schedule(read()) : expire(s.token)), wait);
}

// The live session, or null. A session past its expiry is ended here.
export function getSession(): Session | null {
  const s = read();
  if (s && s.expiresAt <= Date.now()) {
    expire(s.token);
    return null;
  }
  return s;
}

// Ends the session with `token` because it expired or was refused, and sends the person to
// the sign-in page, remembering where they were.
function expire(token: string): void {
  const s = read();
  if (!s || s.token !== token || token === signingOut) return;
  expiredNotice = true;
  store(null);
  const here = currentLocation();
  const next = here.startsWith("/sign-in") ? "" : `?next=${encodeURIComponent(here)}`;
  navigate(`/sign-in${next}`, true);
}

configureAuth({
  token: () => getSession()?.token,
  unauthenticated: expire,
});

// A timer may fire late in a tab that slept; look again when it comes back.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") getSession();
});
schedule(read());

export function sessionExpired(): boolean {
  return expiredNotice;
}

function basic(password: string): string {
  const bytes = new TextEncoder().encode(`admin:${password}`);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

// "Firefox on Linux": which browser holds the session, to tell sessions apart in the list.
export function browserHint(): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? "Edge"
    : /Firefox\//.test(ua) ? "Firefox"
    : /Chrom(e|ium)\//.test(ua) ? "Chrome"
    : /Safari\//.test(ua) ? "Safari"
    : "browser";
  const os = /Android/.test(ua) ? "Android"
    : /iPhone|iPad/.test(ua) ? "iOS"
    : /Windows/.test(ua) ? "Windows"
    : /Mac OS X/.test(ua) ? "macOS"
    : /Linux/.test(ua) ? "Linux"
    : "";
  return os ? `${browser} on ${os}` : browser;
}

// Trades the admin password for a session token with the Admin role that lives one hour.
// The password goes into one request header and is not kept.
export async function signIn(password: string): Promise<void> {
  const res = await tokens.generateToken(
    {
      name: `console sign-in (${browserHint()})`,
      roles: ["Admin"],
      expiration: timestampFromDate(new Date(Date.now() + lifetimeMs)),
    },
    { headers: { Authorization: basic(password) } });
  const meta = res.metadata;
  if (!res.token || !meta?.expiration) throw new Error("The server answered without a token.");
  expiredNotice = false;
  store({
    token: res.token,
    id: meta.id,
    expiresAt: timestampDate(meta.expiration).getTime(),
    minted: true,
  });
}

// Signs in with an API token the person already holds (a token with fewer roles than Admin
// gives a console with fewer rights). Checked with GetAuthStatus before it is kept.
export async function signInWithToken(token: string): Promise<void> {
  const res = await auth.getAuthStatus({}, { headers: { Authorization: `Bearer ${token}` } });
  const identity = res.identity;
  if (!identity) throw new Error("The server did not say who this token is.");
  expiredNotice = false;
  store({
    token,
    id: identity.id,
    expiresAt: identity.expiration
      ? timestampDate(identity.expiration).getTime()
      : Number.MAX_SAFE_INTEGER,
    minted: false,
  });
}

// Keeps the session CompleteSignIn returned for a person, as the admin's session is kept.
export function adoptProviderSession(session: SignInSession | undefined): void {
  const identity = session?.identity;
  if (!session?.token || !session.expiration || !identity) {
    throw new Error("The server answered without a session.");
  }
  expiredNotice = false;
  store({
    token: session.token,
    id: session.tokenId,
    expiresAt: timestampDate(session.expiration).getTime(),
    minted: true,
    person: { name: identity.name, provider: identity.authProvider },
  });
}

// Ends a person's session with AuthService.SignOut and revokes the session token the
// console minted for the admin password, then forgets it; an API token the person brought
// is only forgotten. The session is forgotten even if the revocation fails (an
// expired or already revoked token has nothing left to revoke).
export async function signOut(): Promise<void> {
  const s = read();
  if (!s) return;
  signingOut = s.token;
  try {
    if (s.person) {
      await auth.signOut({}, { headers: { Authorization: `Bearer ${s.token}` } });
    } else if (s.minted) {
      await tokens.revokeToken({ id: s.id }, { headers: { Authorization: `Bearer ${s.token}` } });
    }
  } catch {
    // Nothing left to do: the token no longer works either way.
  } finally {
    signingOut = undefined;
    expiredNotice = false;
    navigate("/sign-in", true);
    store(null);
  }
}

export function useSession(): Session | null {
  const [session, setSession] = useState(getSession);
  useEffect(() => {
    const l = () => setSession(getSession());
    listeners.push(l);
    l();
    return () => {
      listeners = listeners.filter((x) => x !== l);
    };
  }, []);
  return session;
}
