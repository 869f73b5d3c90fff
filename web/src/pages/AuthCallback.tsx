// Where an auth provider sends the browser back (/auth/callback, see provider_signin.ts):
// checks that this tab started the sign-in and that the `state` is the one it was given,
// then trades the code for a session with CompleteSignIn and goes on. A refusal (here, by
// the provider, or by Warden) is shown in plain words, with the way back to sign-in.
import { useEffect, useRef, useState } from "preact/hooks";
import { Code } from "@connectrpc/connect";
import { errorCode, errorMessage } from "../api";
import { completeProviderSignIn, takeCallback, takePending } from "../provider_signin";
import { navigate, safeNext } from "../router";

type Outcome =
  | { kind: "working"; provider: string }
  | { kind: "refused"; message: string; next: string };

export const notStartedHere =
  "This sign-in was not started here, or it was already used. Start again.";

// The provider's own error (RFC 6749 4.1.2.1), in words.
function providerRefusal(provider: string, error: string, description: string): string {
  const detail = description ? ` It said: ${description}` : "";
  if (error === "access_denied") {
    return `${provider} did not sign you in: the sign-in was cancelled or refused there.${detail}`;
  }
  return `${provider} could not sign you in (${error}).${detail}`;
}

export function AuthCallback() {
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const started = useRef(false);
  const alert = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    // Both are taken (and so gone) before anything else: a state works once.
    const params = takeCallback();
    const pending = takePending();
    if (!params || !pending || !params.state || params.state !== pending.state) {
      setOutcome({ kind: "refused", message: notStartedHere, next: "" });
      return;
    }
    if (params.error) {
      setOutcome({ kind: "refused", next: pending.next,
                   message: providerRefusal(pending.provider, params.error, params.errorDescription) });
      return;
    }
    if (!params.code) {
      setOutcome({ kind: "refused", next: pending.next,
                   message: `${pending.provider} sent the browser back without a code. Start again.` });
      return;
    }
    setOutcome({ kind: "working", provider: pending.provider });
    completeProviderSignIn(pending, params).then(
      () => navigate(safeNext(pending.next), true),
      (err: unknown) => {
        // PERMISSION_DENIED: the person is who they say, but the provider's rules give them
        // no role; the server's words say so ("your account ... no role").
        const lead = errorCode(err) === Code.PermissionDenied
          ? `Warden refused the sign-in through ${pending.provider}`
          : `Warden could not sign you in through ${pending.provider}`;
        setOutcome({ kind: "refused", message: `${lead}: ${errorMessage(err)}`, next: pending.next });
      });
  }, []);

  useEffect(() => {
    if (outcome?.kind === "refused") alert.current?.focus();
  }, [outcome]);

  const next = outcome?.kind === "refused" && outcome.next
    ? `?next=${encodeURIComponent(outcome.next)}`
    : "";
  return (
    <main id="main" class="sign-in">
      <div class="card">
        <h1>Signing in</h1>
        {(outcome === undefined || outcome.kind === "working") && (
          <p role="status" aria-busy="true" class="loading">
            {outcome ? `Completing the sign-in with ${outcome.provider}…` : "Checking the sign-in…"}
          </p>
        )}
        {outcome?.kind === "refused" && (
          <>
            <div role="alert" class="alert" tabIndex={-1} ref={alert}>{outcome.message}</div>
            <p><a href={`#/sign-in${next}`}>Back to sign-in</a></p>
          </>
        )}
      </div>
    </main>
  );
}
