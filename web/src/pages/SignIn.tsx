// Sign in with the admin password, traded at once for a one-hour session token, or with an
// API token the person already holds.
import type { ComponentChildren, RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ErrorAlert } from "../components/ErrorAlert";
import { signIn, signInWithToken, sessionExpired } from "../session";

type Method = "password" | "token";

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

// Once signed in, the app goes on to the page in `#/sign-in?next=...`.
export function SignIn() {
  const [password, setPassword] = useState("");
  const [apiToken, setApiToken] = useState("");
  const [busy, setBusy] = useState<Method | undefined>(undefined);
  const [error, setError] = useState<{ method: Method; error: unknown } | undefined>(undefined);
  const [expired] = useState(sessionExpired);
  const input = useRef<HTMLInputElement>(null);
  const tokenInput = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  // The secret lives no longer than this request.
  const submit = (method: Method) => async (e: Event) => {
    e.preventDefault();
    const typed = method === "password" ? password : apiToken.trim();
    setPassword("");
    setApiToken("");
    setBusy(method);
    setError(undefined);
    try {
      await (method === "password" ? signIn(typed) : signInWithToken(typed));
    } catch (err) {
      setError({ method, error: err });
      setBusy(undefined);
      (method === "password" ? input : tokenInput).current?.focus();
    }
  };

  return (
    <main id="main" class="sign-in">
      <form class="card" onSubmit={submit("password")} aria-busy={busy === "password"}>
        <h1>Sign in to Warden</h1>
        {expired && (
          <p class="note" role="status">Your session has expired. Sign in again.</p>
        )}
        {/* For password managers: the console always signs in as the admin user. */}
        <input type="text" name="username" autocomplete="username" value="admin" readOnly hidden />
        <SecretField id="admin-password" label="Admin password" inputRef={input}
                     autocomplete="current-password" value={password} onValue={setPassword}>
          The console signs in as the admin user with a session token that lasts one hour.
        </SecretField>
        <ErrorAlert error={error?.method === "password" ? error.error : undefined} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy !== undefined}>
            {busy === "password" ? "Signing in…" : "Sign in"}
          </button>
        </div>
      </form>
      <form class="card" onSubmit={submit("token")} aria-busy={busy === "token"}>
        <h2>Or use an API token</h2>
        <SecretField id="api-token" label="API token" inputRef={tokenInput}
                     autocomplete="off" value={apiToken} onValue={setApiToken}>
          The console then has the token's roles, and no more. Signing out forgets the token
          but does not revoke it.
        </SecretField>
        <ErrorAlert error={error?.method === "token" ? error.error : undefined} />
        <div class="actions">
          <button type="submit" disabled={busy !== undefined}>
            {busy === "token" ? "Signing in…" : "Sign in with token"}
          </button>
        </div>
      </form>
    </main>
  );
}
