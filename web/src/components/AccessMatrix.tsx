// Resource × access level, one radio group per resource ("Integration: Read-write").
import { AccessLevel } from "../gen/warden/v1/access_pb";
import { accessLevelLabel } from "../format";

const levels = [AccessLevel.NO_ACCESS, AccessLevel.READ_ACCESS, AccessLevel.READ_WRITE_ACCESS];

interface Props {
  resources: string[];
  value: Record<string, AccessLevel>;
  onChange: (value: Record<string, AccessLevel>) => void;
  disabled: boolean;
}

export function AccessMatrix({ resources, value, onChange, disabled }: Props) {
  const level = (r: string) => value[r] || AccessLevel.NO_ACCESS;
  const setAll = (l: AccessLevel) =>
    onChange(Object.fromEntries(resources.map((r) => [r, l])));
  return (
    <fieldset class="plain matrix" disabled={disabled}>
      <legend>Permissions</legend>
      {!disabled && (
        <div class="actions compact">
          <span class="muted">Set every resource to</span>
          {levels.map((l) => (
            <button type="button" class="small" key={l} onClick={() => setAll(l)}>
              {accessLevelLabel[l]}
            </button>
          ))}
        </div>
      )}
      <div class="table-wrap">
        <table class="list matrix-table">
          <caption class="sr-only">Access level per resource</caption>
          <thead>
            <tr>
              <th scope="col">Resource</th>
              {levels.map((l) => <th scope="col" key={l}>{accessLevelLabel[l]}</th>)}
            </tr>
          </thead>
          <tbody>
            {resources.map((r) => (
              <tr key={r}>
                <th scope="row">{r}</th>
                {levels.map((l) => (
                  <td key={l} class="radio-cell">
                    <input
                      type="radio"
                      name={`access-${r}`}
                      aria-label={`${r}: ${accessLevelLabel[l]}`}
                      checked={level(r) === l}
                      onChange={() => onChange({ ...value, [r]: l })}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </fieldset>
  );
}
