// One auth provider, or a new one: its form (read-only when declarative, or without
// Read-write on Access), the redirect URI to register at the provider, and Delete.
import { authProviders, roles } from "../api";
import { AuthProviderForm } from "../components/AuthProviderForm";
import { DeleteButton } from "../components/DeleteButton";
import { ErrorAlert } from "../components/ErrorAlert";
import { Loading } from "../components/Loading";
import { OriginBadge } from "../components/OriginBadge";
import { ReadOnlyNote } from "../components/ReadOnlyNote";
import { WriteNote } from "../components/WriteNote";
import { readOnlyReason } from "../format";
import { useCanWriteAccess } from "../identity";
import { useLoad } from "../load";
import { callbackPath } from "../provider_signin";
import { href, navigate } from "../router";

// `id` undefined: add a new provider.
export function AuthProviderDetails({ id }: { id: string | undefined }) {
  const res = useLoad(async (signal) => {
    const [got, roleList] = await Promise.all([
      id ? authProviders.getAuthProvider({ id }, { signal }) : Promise.resolve(undefined),
      roles.listRoles({}, { signal }),
    ]);
    return { provider: got?.provider, roleNames: roleList.roles.map((r) => r.name) };
  }, [id]);
  const canWrite = useCanWriteAccess();
  const provider = res.data?.provider;
  const creating = id === undefined;
  const reason = provider ? readOnlyReason(provider.origin, "auth provider") : undefined;
  const editable = !reason && canWrite === true;
  const title = creating ? "Add auth provider" : (provider?.name ?? "Auth provider");
  const redirectUri = window.location.origin + callbackPath;
  return (
    <section aria-labelledby="provider-title">
      <p class="crumbs"><a href="#/auth-providers">Auth providers</a></p>
      <div class="page-head">
        <h1 id="provider-title" class="break">{title}</h1>
        {provider && <OriginBadge origin={provider.origin} />}
        {provider && editable && (
          <DeleteButton
            title={`Delete auth provider ${provider.name}?`}
            action={() => authProviders.deleteAuthProvider({ id: provider.id })}
            onDone={() => navigate("/auth-providers")}
          >
            <p>
              Nobody can sign in through it any more, and everyone signed in through it is signed
              out at once. Tokens they generated stay.
            </p>
          </DeleteButton>
        )}
      </div>
      <ErrorAlert error={res.error} context="Could not load the auth provider" />
      {res.loading && <Loading />}
      {res.data && (creating || provider) && (
        <>
          <ReadOnlyNote reason={reason} />
          {!reason && <WriteNote />}
          <p class="hint">
            Register this redirect URI for the client at the provider:{" "}
            <code class="break">{redirectUri}</code>
          </p>
          {!creating && editable && (
            <p class="hint">
              Changing or removing a rule, the minimum role, the issuer or the client signs out
              everyone signed in through this provider; added rules apply at their next sign-in.
            </p>
          )}
          <AuthProviderForm
            key={provider?.id ?? "new"}
            provider={provider}
            roleNames={res.data.roleNames}
            readOnly={!editable}
            onSaved={(saved) => {
              if (creating) navigate(href("auth-providers", saved.id));
            }}
          />
        </>
      )}
    </section>
  );
}
