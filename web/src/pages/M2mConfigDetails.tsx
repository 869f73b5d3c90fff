// One machine-to-machine configuration, or a new one.
import { auth, roles } from "../api";
import { DeleteButton } from "../components/DeleteButton";
import { ErrorAlert } from "../components/ErrorAlert";
import { Loading } from "../components/Loading";
import { M2mForm } from "../components/M2mForm";
import { WriteNote } from "../components/WriteNote";
import { useCanWriteAccess } from "../identity";
import { useLoad } from "../load";
import { href, navigate } from "../router";

// `id` undefined: add a new configuration.
export function M2mConfigDetails({ id }: { id: string | undefined }) {
  const res = useLoad(async (signal) => {
    const [config, roleList] = await Promise.all([
      id ? auth.getAuthMachineToMachineConfig({ id }, { signal }) : Promise.resolve(undefined),
      roles.listRoles({}, { signal }),
    ]);
    return { config: config?.config, roleNames: roleList.roles.map((r) => r.name) };
  }, [id]);
  const canWrite = useCanWriteAccess();
  const config = res.data?.config;
  const creating = id === undefined;
  const title = creating ? "Add machine-to-machine configuration" : (config?.issuer || "Configuration");
  return (
    <section aria-labelledby="m2m-title">
      <p class="crumbs"><a href="#/m2m">Machine-to-machine</a></p>
      <div class="page-head">
        <h1 id="m2m-title" class="break">{title}</h1>
        {config && canWrite && (
          <DeleteButton
            title={`Delete the configuration for ${config.issuer || "GitHub Actions"}?`}
            action={() => auth.deleteAuthMachineToMachineConfig({ id: config.id })}
            onDone={() => navigate("/m2m")}
          >
            <p>Tokens exchanged through it are refused from then on.</p>
          </DeleteButton>
        )}
      </div>
      <WriteNote />
      <ErrorAlert error={res.error} context="Could not load the configuration" />
      {res.loading && <Loading />}
      {res.data && (creating || config) && (
        <M2mForm
          key={config?.id ?? "new"}
          config={config}
          roleNames={res.data.roleNames}
          readOnly={canWrite !== true}
          onSaved={(saved) => {
            if (creating) navigate(href("m2m", saved.id));
          }}
        />
      )}
    </section>
  );
}
