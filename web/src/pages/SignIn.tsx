// Sign in: through an auth provider (the buttons GetSignInOptions names), with the admin
// password when the server accepts it (traded at once for a one-hour session token), or with
// an API token the person already holds.
import type { ComponentChildren, RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { signInCalls } from "../api";
import { ErrorAlert } from "../components/ErrorAlert";
import { Loading } from "../components/Loading";
import { useLoad } from "../load";
import { startProviderSignIn } from "../provider_signin";
import { signIn, signInWithToken, sessionExpired } from "../session";

type Method = "password" | "token" | "provider";

interface SecretProps {
  id: string;
  label: string;
  inputRef: RefObject<HTMLInputElement>;
  autocomplete: string;
  value: string;
  onValue: (value: string) => void;
  children: ComponentChildren;
}

// A password or token, typed hidden, with a hint under it.
function SecretField({ id, label, inputRef, autocomplete, value, onValue, children }: SecretProps) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} ref={inputRef} type="password" autocomplete={autocomplete} spellcheck={false}
             required value={value} onInput={(e) => onValue(e.currentTarget.value)} />
      <p class="hint">{children}</p>
    </div>
  );
}

interface Props {
  // The route to open once signed in (from `#/sign-in?next=...`), already checked.
  next: string;
}

// Once signed in with the password or a token, the app goes on to `next`; a provider's
// sign-in leaves the page and comes back through /auth/callback.
export function SignIn({ next }: Props) {
  const options = useLoad((signal) => signInCalls.getSignInOptions({}, { signal }), []);
  const [password, setPassword] = useState("");
  const [apiToken, setApiToken] = useState("");
  const [busy, setBusy] = useState<{ method: Method; provider?: string } | undefined>(undefined);
  const [error, setError] = useState<{ method: Method; error: unknown } | undefined>(undefined);
  const [expired] = useState(sessionExpired);
  const input = useRef<HTMLInputElement>(null);
  const tokenInput = useRef<HTMLInputElement>(null);
  const firstProvider = useRef<HTMLButtonElement>(null);

  const providers = options.data?.providers ?? [];
  // An older server, or one that cannot answer, still takes the password if it ever did:
  // the form stays, and the server says no if it must.
  const adminPassword = options.data ? options.data.adminPassword : options.error !== undefined;
  useEffect(() => {
    if (options.loading) return;
    (firstProvider.current ?? input.current ?? tokenInput.current)?.focus();
  }, [options.loading]);

  // The secret lives no longer than this request.
  const submit = (method: "password" | "token") => async (e: Event) => {
    e.preventDefault();
    const typed = method === "password" ? password : apiToken.trim();
    setPassword("");
    setApiToken("");
    setBusy({ method });
    setError(undefined);
    try {
      await (method === "password" ? signIn(typed) : signInWithToken(typed));
    } catch (err) {
      setError({ method, error: err });
      setBusy(undefined);
      (method === "password" ? input : tokenInput).current?.focus();
    }
  };

  // On success the browser goes to the provider's page; the busy state lasts until then.
  const startWith = async (provider: string) => {
    setBusy({ method: "provider", provider });
    setError(undefined);
    try {
      await startProviderSignIn(provider, next);
    } catch (err) {
      setError({ method: "provider", error: err });
      setBusy(undefined);
    }
  };

  return (
    <main id="main" class="sign-in">
      <div class="card">
        <h1>Sign in to Warden</h1>
        {expired && (
          <p class="note" role="status">Your session has expired. Sign in again.</p>
        )}
        {options.loading && <Loading label="Loading the ways to sign in…" />}
        <ErrorAlert error={options.error} context="Could not load the ways to sign in" />
        {providers.length > 0 && (
          <ul class="providers" aria-busy={busy?.method === "provider"}>
            {providers.map((p, i) => (
              <li key={p.name}>
                <button type="button" class="primary" ref={i === 0 ? firstProvider : undefined}
                        disabled={busy !== undefined} onClick={() => startWith(p.name)}>
                  {busy?.provider === p.name ? `Going to ${p.name}…` : `Sign in with ${p.name}`}
                </button>
              </li>
            ))}
          </ul>
        )}
        <ErrorAlert error={error?.method === "provider" ? error.error : undefined} />
        {options.data && providers.length === 0 && !adminPassword && (
          <p class="muted">
            This Warden offers no auth provider and does not take the admin password: sign in
            with an API token.
          </p>
        )}
        {adminPassword && (
          <form onSubmit={submit("password")} aria-busy={busy?.method === "password"}>
            {providers.length > 0 && <h2>Or as the admin user</h2>}
            {/* For password managers: the console always signs in as the admin user. */}
            <input type="text" name="username" autocomplete="username" value="admin" readOnly hidden />
            <SecretField id="admin-password" label="Admin password" inputRef={input}
                         autocomplete="current-password" value={password} onValue={setPassword}>
              The console signs in as the admin user with a session token that lasts one hour.
            </SecretField>
            <ErrorAlert error={error?.method === "password" ? error.error : undefined} />
            <div class="actions">
              <button type="submit" class={providers.length > 0 ? undefined : "primary"}
                      disabled={busy !== undefined}>
                {busy?.method === "password" ? "Signing in…" : "Sign in"}
              </button>
            </div>
          </form>
        )}
      </div>
      <form class="card" onSubmit={submit("token")} aria-busy={busy?.method === "token"}>
        <h2>Or use an API token</h2>
        <SecretField id="api-token" label="API token" inputRef={tokenInput}
                     autocomplete="off" value={apiToken} onValue={setApiToken}>
          The console then has the token's roles, and no more. Signing out forgets the token
          but does not revoke it.
        </SecretField>
        <ErrorAlert error={error?.method === "token" ? error.error : undefined} />
        <div class="actions">
          <button type="submit" disabled={busy !== undefined}>
            {busy?.method === "token" ? "Signing in…" : "Sign in with token"}
          </button>
        </div>
      </form>
    </main>
  );
}
