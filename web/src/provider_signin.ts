// Signing in through an auth provider (OIDC authorization code with PKCE): StartSignIn, the
// provider's own pages, then the provider sends the browser back to `/auth/callback?code=
// ...&state=...`, and CompleteSignIn trades that code for a Warden session.
//
// What must survive the trip to the provider (its `state`, the PKCE code verifier, which
// provider, where to go after) is kept in sessionStorage: this tab only, never a URL. A
// pending sign-in is used at most once: the callback drops it before anything else.
import { signInCalls } from "./api";
import { adoptProviderSession, browserHint } from "./session";

const pendingKey = "warden.console.signin";

// The path the provider sends the browser back to. warden-server serves the console's page
// there too; it must be registered at the provider as `<console origin>/auth/callback`.
export const callbackPath = "/auth/callback";

interface Pending {
  state: string;
  codeVerifier: string;
  provider: string;
  // The console route to open once signed in ("/roles"), or "".
  next: string;
}

// What the provider sent to the callback URL.
export interface CallbackParams {
  code: string;
  state: string;
  error: string;
  errorDescription: string;
}

let captured: CallbackParams | undefined;

// Run once when the page loads, before anything else reads the URL: at /auth/callback, takes
// the provider's answer out of the URL at once (history.replaceState, so that the code is not
// left in the history or in a bookmark) and goes on to the console's own route for it.
export function captureCallback(): void {
  if (window.location.pathname !== callbackPath) return;
  const q = new URLSearchParams(window.location.search);
  captured = {
    code: q.get("code") ?? "",
    state: q.get("state") ?? "",
    error: q.get("error") ?? "",
    errorDescription: q.get("error_description") ?? "",
  };
  window.history.replaceState(null, "", "/#/auth/callback");
}

// The provider's answer captured at load, handed out once (a second caller, or the same route
// opened again, gets undefined).
export function takeCallback(): CallbackParams | undefined {
  const c = captured;
  captured = undefined;
  return c;
}

// The sign-in this tab started, removed from storage as it is read: a `state` works once.
export function takePending(): Pending | undefined {
  try {
    const raw = window.sessionStorage.getItem(pendingKey);
    window.sessionStorage.removeItem(pendingKey);
    if (!raw) return undefined;
    const p = JSON.parse(raw) as Partial<Pending>;
    if (typeof p.state !== "string" || !p.state || typeof p.codeVerifier !== "string" ||
        typeof p.provider !== "string") {
      return undefined;
    }
    return { state: p.state, codeVerifier: p.codeVerifier, provider: p.provider,
             next: typeof p.next === "string" ? p.next : "" };
  } catch {
    return undefined;
  }
}

// Begins a sign-in with `provider` and leaves the console for the provider's page; `next` is
// the route to open afterwards. Throws the server's refusal; on success the page is left.
export async function startProviderSignIn(provider: string, next: string): Promise<void> {
  const res = await signInCalls.startSignIn({
    provider,
    redirectUri: window.location.origin + callbackPath,
  });
  let target: URL;
  try {
    target = new URL(res.authorizationUrl);
  } catch {
    throw new Error("The server answered without a usable authorization URL.");
  }
  if ((target.protocol !== "https:" && target.protocol !== "http:") || !res.state) {
    throw new Error("The server answered without a usable authorization URL.");
  }
  const pending: Pending = { state: res.state, codeVerifier: res.codeVerifier, provider, next };
  window.sessionStorage.setItem(pendingKey, JSON.stringify(pending));
  window.location.assign(target.href);
}

// Completes the sign-in that `pending` began with what the provider sent back, and keeps the
// session. Throws the server's refusal (UNAUTHENTICATED, PERMISSION_DENIED "no role", ...).
export async function completeProviderSignIn(pending: Pending, params: CallbackParams): Promise<void> {
  const res = await signInCalls.completeSignIn({
    state: params.state,
    code: params.code,
    codeVerifier: pending.codeVerifier,
    sessionName: browserHint(),
  });
  adoptProviderSession(res.session);
}
