// The console: the sign-in page, or the signed-in frame with the page of the current route.
import { useEffect } from "preact/hooks";
import { Layout } from "./components/Layout";
import { Redirect } from "./components/Redirect";
import { AccessScopeDetails } from "./pages/AccessScopeDetails";
import { AccessScopes } from "./pages/AccessScopes";
import { AuthCallback } from "./pages/AuthCallback";
import { AuthProviderDetails } from "./pages/AuthProviderDetails";
import { AuthProviders } from "./pages/AuthProviders";
import { M2mConfigDetails } from "./pages/M2mConfigDetails";
import { M2mConfigs } from "./pages/M2mConfigs";
import { NotFound } from "./pages/NotFound";
import { PermissionSetDetails } from "./pages/PermissionSetDetails";
import { PermissionSets } from "./pages/PermissionSets";
import { RoleDetails } from "./pages/RoleDetails";
import { Roles } from "./pages/Roles";
import { SignIn } from "./pages/SignIn";
import { TokenDetails } from "./pages/TokenDetails";
import { Tokens } from "./pages/Tokens";
import { WhoAmI } from "./pages/WhoAmI";
import { currentLocation, safeNext, useRoute } from "./router";
import type { Route } from "./router";
import { useSession } from "./session";

const titles: Record<string, string> = {
  "sign-in": "Sign in",
  auth: "Signing in",
  tokens: "Tokens",
  roles: "Roles",
  "permission-sets": "Permission sets",
  "access-scopes": "Access scopes",
  m2m: "Machine-to-machine",
  "auth-providers": "Auth providers",
  whoami: "Who am I",
};

function page(route: Route) {
  const [section, arg, extra] = route.segments;
  if (extra !== undefined) return <NotFound path={route.path} />;
  switch (section) {
    case "tokens":
      return arg === undefined ? <Tokens createdBy={route.query.get("created_by") ?? ""} />
        : <TokenDetails key={arg} id={arg} />;
    case "roles":
      return arg === undefined ? <Roles /> : <RoleDetails key={arg} name={arg} />;
    case "permission-sets":
      return arg === undefined ? <PermissionSets />
        : <PermissionSetDetails key={arg} id={arg === "new" ? undefined : arg} />;
    case "access-scopes":
      return arg === undefined ? <AccessScopes />
        : <AccessScopeDetails key={arg} id={arg === "new" ? undefined : arg} />;
    case "m2m":
      return arg === undefined ? <M2mConfigs />
        : <M2mConfigDetails key={arg} id={arg === "new" ? undefined : arg} />;
    case "auth-providers":
      return arg === undefined ? <AuthProviders />
        : <AuthProviderDetails key={arg} id={arg === "new" ? undefined : arg} />;
    case "whoami":
      return arg === undefined ? <WhoAmI /> : <NotFound path={route.path} />;
    default:
      return <NotFound path={route.path} />;
  }
}

export function App() {
  const route = useRoute();
  const session = useSession();
  const section = route.segments[0];
  useEffect(() => {
    const t = section ? titles[section] : undefined;
    document.title = t ? `${t} · Warden` : "Warden";
  }, [section]);

  if (section === "sign-in") {
    const next = safeNext(route.query.get("next"));
    return session ? <Redirect to={next} /> : <SignIn next={next} />;
  }
  // Where an auth provider sends the browser back (provider_signin.ts moved it here from
  // /auth/callback); it decides for itself, whether or not a session is already there.
  if (route.path === "/auth/callback") return <AuthCallback />;
  if (!session) {
    const here = currentLocation();
    const next = section ? `?next=${encodeURIComponent(here)}` : "";
    return <Redirect to={`/sign-in${next}`} />;
  }
  if (!section) return <Redirect to="/tokens" />;
  return (
    <Layout route={route} session={session}>
      {page(route)}
    </Layout>
  );
}
