// A new token's string, shown the only time it ever is (by Generate and by Rotate): read-only,
// selected on focus, with Copy (which has the focus) and the warning that it cannot be shown
// again. It lives in the caller's state only; closing the dialog drops it.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

interface Props {
  // The token string (a JWT).
  token: string;
  // What was made, above the token: "Token x was generated. It expires …".
  children: ComponentChildren;
  onClose: () => void;
}

export function TokenShownOnce({ token, children, onClose }: Props) {
  const [copied, setCopied] = useState("");
  const copyButton = useRef<HTMLButtonElement>(null);
  useEffect(() => copyButton.current?.focus(), []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token);
      setCopied("Copied");
    } catch {
      setCopied("Could not copy: select the token and copy it yourself.");
    }
  };

  return (
    <>
      {children}
      <div class="field">
        <label for="new-token">Token</label>
        <textarea
          id="new-token"
          class="mono"
          readOnly
          rows={5}
          value={token}
          onFocus={(e) => e.currentTarget.select()}
        />
      </div>
      <p class="warning">
        <strong>You will not be able to view it again.</strong> Copy it now and keep it
        somewhere safe: Warden stores only its metadata.
      </p>
      <div class="actions">
        <button type="button" class="primary" ref={copyButton} onClick={copy}>Copy</button>
        <span role="status" class="muted">{copied}</span>
        <button type="button" onClick={onClose}>Close</button>
      </div>
    </>
  );
}
