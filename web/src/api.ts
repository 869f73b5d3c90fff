// The typed clients of Warden's API, generated from proto/ (src/gen). Every call goes
// through here: the session's bearer token is added, and an UNAUTHENTICATED answer to a
// call made with it ends the session (see session.ts).
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import type { Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { AuthService } from "./gen/warden/v1/auth_pb";
import { AuthProviderService } from "./gen/warden/v1/auth_provider_pb";
import { RoleService } from "./gen/warden/v1/role_pb";
import { TokenService } from "./gen/warden/v1/token_pb";

interface AuthHooks {
  // The session token to send, if there is a session.
  token(): string | undefined;
  // A call made with `token` was answered UNAUTHENTICATED: it expired or was revoked.
  unauthenticated(token: string): void;
}

let hooks: AuthHooks = { token: () => undefined, unauthenticated: () => {} };

// session.ts plugs itself in here (so that this module does not depend on it).
export function configureAuth(h: AuthHooks): void {
  hooks = h;
}

const bearer: Interceptor = (next) => async (req) => {
  // A call that brings its own credentials (signing in with the password, signing out)
  // is left alone.
  if (req.header.has("Authorization")) return next(req);
  const token = hooks.token();
  if (token) req.header.set("Authorization", `Bearer ${token}`);
  try {
    return await next(req);
  } catch (err) {
    if (token && ConnectError.from(err).code === Code.Unauthenticated) hooks.unauthenticated(token);
    throw err;
  }
};

const transport = createConnectTransport({
  baseUrl: window.location.origin,
  interceptors: [bearer],
});

export const tokens = createClient(TokenService, transport);
export const auth = createClient(AuthService, transport);
export const roles = createClient(RoleService, transport);
export const authProviders = createClient(AuthProviderService, transport);

// The sign-in calls (GetSignInOptions, StartSignIn, CompleteSignIn) take no credentials:
// they go without the session's token, so that a refused sign-in (UNAUTHENTICATED) is never
// mistaken for the end of a session this tab may still hold.
export const signInCalls = createClient(AuthProviderService, createConnectTransport({
  baseUrl: window.location.origin,
}));

// The server's own words for a failed call (ConnectError.rawMessage has no "[code]" prefix).
export function errorMessage(err: unknown): string {
  if (err instanceof ConnectError) return err.rawMessage || Code[err.code];
  if (err instanceof Error) return err.message;
  return String(err);
}

export function errorCode(err: unknown): Code | undefined {
  return err instanceof ConnectError ? err.code : undefined;
}

// True for a call given up on purpose (a page left before its answer came).
export function isAbort(err: unknown): boolean {
  return err instanceof ConnectError && err.code === Code.Canceled;
}
