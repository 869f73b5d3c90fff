// The frame of every signed-in page: the header with the navigation and "Sign out", and
// the caller's identity for the pages to ask what they may do.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { auth } from "../api";
import { IdentityKind } from "../gen/warden/v1/auth_pb";
import type { Identity } from "../gen/warden/v1/auth_pb";
import { IdentityContext } from "../identity";
import { useLoad } from "../load";
import type { Route } from "../router";
import { signOut } from "../session";
import type { Session } from "../session";
import { ErrorAlert } from "./ErrorAlert";
import { Time } from "./Time";

const sections: Array<{ path: string; label: string }> = [
  { path: "tokens", label: "Tokens" },
  { path: "roles", label: "Roles" },
  { path: "permission-sets", label: "Permission sets" },
  { path: "access-scopes", label: "Access scopes" },
  { path: "m2m", label: "Machine-to-machine" },
  { path: "auth-providers", label: "Auth providers" },
  { path: "whoami", label: "Who am I" },
];

// Who is signed in, for the header: "Bob Analyst (corp)" for a person, else the identity's
// name ("admin", an API token's name). Until GetAuthStatus answers, what sign-in stored.
function signedInAs(identity: Identity | undefined, session: Session): string | undefined {
  if (identity?.kind === IdentityKind.USER) return `${identity.name} (${identity.authProvider})`;
  if (identity) return identity.name;
  if (session.person) return `${session.person.name} (${session.person.provider})`;
  return undefined;
}

interface Props {
  route: Route;
  session: Session;
  children: ComponentChildren;
}

export function Layout({ route, session, children }: Props) {
  const status = useLoad((signal) => auth.getAuthStatus({}, { signal }), [session.token]);
  const [leaving, setLeaving] = useState(false);
  const current = route.segments[0] ?? "";
  // After a navigation, keyboard and screen-reader users continue in the new page's content,
  // not at the top of the header (not on the first page, where the browser starts anyway).
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [route.path]);
  const who = signedInAs(status.data?.identity, session);
  const leave = async () => {
    setLeaving(true);
    await signOut();
  };
  return (
    <IdentityContext.Provider value={status.data?.identity}>
      <header class="top">
        <button type="button" class="skip" onClick={() => main.current?.focus()}>
          Skip to content
        </button>
        <a class="brand" href="#/tokens">Warden</a>
        <nav aria-label="Main">
          <ul>
            {sections.map((s) => (
              <li key={s.path}>
                <a href={`#/${s.path}`} aria-current={current === s.path ? "page" : undefined}>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="session">
          {who && (
            <span class="who"><span class="sr-only">Signed in as </span><span>{who}</span></span>
          )}
          <span class="muted">Session ends <Time value={new Date(session.expiresAt)} /></span>
          <button type="button" onClick={leave} disabled={leaving} aria-busy={leaving}>
            {leaving ? "Signing out…" : "Sign out"}
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <ErrorAlert error={status.error} context="Could not learn your permissions" />
        {children}
      </main>
    </IdentityContext.Provider>
  );
}
