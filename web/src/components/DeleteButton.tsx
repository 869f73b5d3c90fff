// A details page's Delete button: asks first, in a dialog titled `title` that explains with
// `children`, and shows the server's refusal there.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { ConfirmDialog } from "./ConfirmDialog";

interface Props {
  title: string;
  children: ComponentChildren;
  action: () => Promise<unknown>;
  onDone: () => void;
}

export function DeleteButton({ title, children, action, onDone }: Props) {
  const [asking, setAsking] = useState(false);
  return (
    <>
      <button type="button" class="danger push" onClick={() => setAsking(true)}>Delete</button>
      {asking && (
        <ConfirmDialog
          title={title}
          confirm="Delete"
          pending="Deleting…"
          action={async () => {
            await action();
          }}
          onDone={onDone}
          onCancel={() => setAsking(false)}
        >
          {children}
        </ConfirmDialog>
      )}
    </>
  );
}
