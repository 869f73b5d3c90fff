// "Revoke token x?" / "Delete role y?": asks, runs the action, and shows the server's
// refusal (an object in use, a missing permission) inside the dialog.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { ErrorAlert } from "./ErrorAlert";
import { Modal } from "./Modal";

interface Props {
  title: string;
  children?: ComponentChildren;
  // The confirm button's text ("Revoke", "Delete") and its text while pending.
  confirm: string;
  pending: string;
  action: () => Promise<void>;
  onDone: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({ title, children, confirm, pending, action, onDone, onCancel }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await action();
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Modal title={title} onClose={onCancel}>
      <form onSubmit={run} aria-busy={busy}>
        {children}
        <ErrorAlert error={error} />
        <div class="actions">
          <button type="submit" class="danger" disabled={busy}>{busy ? pending : confirm}</button>
          {/* Focused first, so that Enter does not destroy anything by accident. */}
          <button type="button" onClick={onCancel} autoFocus>Cancel</button>
        </div>
      </form>
    </Modal>
  );
}
