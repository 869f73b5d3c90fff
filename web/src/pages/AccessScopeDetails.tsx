// One access scope, or a new one.
import { roles } from "../api";
import { DeleteButton } from "../components/DeleteButton";
import { ErrorAlert } from "../components/ErrorAlert";
import { Loading } from "../components/Loading";
import { OriginBadge } from "../components/OriginBadge";
import { ReadOnlyNote } from "../components/ReadOnlyNote";
import { ScopeForm } from "../components/ScopeForm";
import { WriteNote } from "../components/WriteNote";
import { readOnlyReason } from "../format";
import { useCanWriteAccess } from "../identity";
import { useLoad } from "../load";
import { href, navigate } from "../router";

// `id` undefined: create a new access scope.
export function AccessScopeDetails({ id }: { id: string | undefined }) {
  const res = useLoad(
    async (signal) => (id ? (await roles.getAccessScope({ id }, { signal })).accessScope : undefined),
    [id]);
  const canWrite = useCanWriteAccess();
  const scope = res.data;
  const creating = id === undefined;
  const reason = scope ? readOnlyReason(scope.origin, "access scope") : undefined;
  const editable = !reason && canWrite === true;
  return (
    <section aria-labelledby="scope-title">
      <p class="crumbs"><a href="#/access-scopes">Access scopes</a></p>
      <div class="page-head">
        <h1 id="scope-title">{creating ? "Create access scope" : (scope?.name ?? "Access scope")}</h1>
        {scope && <OriginBadge origin={scope.origin} />}
        {scope && editable && (
          <DeleteButton
            title={`Delete access scope ${scope.name}?`}
            action={() => roles.deleteAccessScope({ id: scope.id })}
            onDone={() => navigate("/access-scopes")}
          >
            <p>Warden refuses while a role uses it.</p>
          </DeleteButton>
        )}
      </div>
      <ErrorAlert error={res.error} context="Could not load the access scope" />
      {res.loading && <Loading />}
      {!res.loading && !res.error && (creating || scope) && (
        <>
          <ReadOnlyNote reason={reason} />
          {!reason && <WriteNote />}
          <ScopeForm
            key={scope?.id ?? "new"}
            scope={scope}
            readOnly={!editable}
            onSaved={(saved) => {
              if (creating) navigate(href("access-scopes", saved.id));
            }}
          />
        </>
      )}
    </section>
  );
}
