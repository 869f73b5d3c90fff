// The end of a create-or-edit form: the server's refusal, "Saved." once an edit is saved,
// and, unless the form is read-only, its submit button (and Cancel, when given).
import type { SaveState } from "../save";
import { ErrorAlert } from "./ErrorAlert";

interface Props {
  state: SaveState;
  creating: boolean;
  readOnly: boolean;
  // The submit button's text when creating, and while that is pending.
  createLabel?: string;
  creatingLabel?: string;
  onCancel?: () => void;
}

export function SaveFooter({
  state: { busy, error, saved }, creating, readOnly,
  createLabel = "Create", creatingLabel = "Creating…", onCancel,
}: Props) {
  return (
    <>
      <ErrorAlert error={error} />
      {saved && <p role="status" class="ok">Saved.</p>}
      {!readOnly && (
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? (creating ? creatingLabel : "Saving…") : (creating ? createLabel : "Save changes")}
          </button>
          {onCancel && <button type="button" onClick={onCancel}>Cancel</button>}
        </div>
      )}
    </>
  );
}
