// One permission set, or a new one: name, description and the resource × access matrix.
import { roles } from "../api";
import { DeleteButton } from "../components/DeleteButton";
import { ErrorAlert } from "../components/ErrorAlert";
import { Loading } from "../components/Loading";
import { OriginBadge } from "../components/OriginBadge";
import { PermissionSetForm } from "../components/PermissionSetForm";
import { ReadOnlyNote } from "../components/ReadOnlyNote";
import { WriteNote } from "../components/WriteNote";
import { readOnlyReason } from "../format";
import { useCanWriteAccess } from "../identity";
import { useLoad } from "../load";
import { href, navigate } from "../router";

// `id` undefined: create a new permission set.
export function PermissionSetDetails({ id }: { id: string | undefined }) {
  const res = useLoad(async (signal) => {
    const [resources, set] = await Promise.all([
      roles.listResources({}, { signal }),
      id ? roles.getPermissionSet({ id }, { signal }) : Promise.resolve(undefined),
    ]);
    return { resources: resources.resources, set: set?.permissionSet };
  }, [id]);
  const canWrite = useCanWriteAccess();
  const set = res.data?.set;
  const creating = id === undefined;
  const reason = set ? readOnlyReason(set.origin, "permission set") : undefined;
  const editable = !reason && canWrite === true;
  const title = creating ? "Create permission set" : (set?.name ?? "Permission set");

  return (
    <section aria-labelledby="ps-title">
      <p class="crumbs"><a href="#/permission-sets">Permission sets</a></p>
      <div class="page-head">
        <h1 id="ps-title">{title}</h1>
        {set && <OriginBadge origin={set.origin} />}
        {set && editable && (
          <DeleteButton
            title={`Delete permission set ${set.name}?`}
            action={() => roles.deletePermissionSet({ id: set.id })}
            onDone={() => navigate("/permission-sets")}
          >
            <p>Warden refuses while a role uses it.</p>
          </DeleteButton>
        )}
      </div>
      <ErrorAlert error={res.error} context="Could not load the permission set" />
      {res.loading && <Loading />}
      {res.data && (creating || set) && (
        <>
          <ReadOnlyNote reason={reason} />
          {!reason && <WriteNote />}
          <PermissionSetForm
            key={set?.id ?? "new"}
            set={set}
            resources={res.data.resources}
            readOnly={!editable}
            onSaved={(saved) => {
              if (creating) navigate(href("permission-sets", saved.id));
            }}
          />
        </>
      )}
    </section>
  );
}
