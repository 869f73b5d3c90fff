// The Name and Description fields of a permission set, an access scope or a role, with the
// ids `<idPrefix>-name` and `<idPrefix>-description`.
import type { ComponentChildren } from "preact";

interface Props {
  idPrefix: string;
  name: string;
  description: string;
  onName: (name: string) => void;
  onDescription: (description: string) => void;
  // Shown under the name (id `<idPrefix>-name-hint`), when given.
  nameHint?: ComponentChildren;
  // Set when the name may not be changed.
  nameFixed?: boolean;
}

export function NameFields({ idPrefix, name, description, onName, onDescription, nameHint, nameFixed }: Props) {
  const hintId = `${idPrefix}-name-hint`;
  return (
    <>
      <div class="field">
        <label for={`${idPrefix}-name`}>Name</label>
        <input id={`${idPrefix}-name`} required maxLength={128} value={name} readOnly={nameFixed}
               onInput={(e) => onName(e.currentTarget.value)}
               aria-describedby={nameHint ? hintId : undefined} />
        {nameHint && <p class="hint" id={hintId}>{nameHint}</p>}
      </div>
      <div class="field">
        <label for={`${idPrefix}-description`}>Description</label>
        <textarea id={`${idPrefix}-description`} rows={2} value={description}
                  onInput={(e) => onDescription(e.currentTarget.value)} />
      </div>
    </>
  );
}
