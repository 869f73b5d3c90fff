// Rotate a token: a successor with the same name, description and roles, shown once, while the
// old token keeps working for an overlap the person chooses (24 hours unless they change it),
// so that whatever uses it can switch over without an outage.
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { useState } from "preact/hooks";
import { tokens } from "../api";
import type { RotateTokenResponse, TokenMetadata } from "../gen/warden/v1/token_pb";
import { parseDateTimeLocal, roughDuration, toDateTimeLocal } from "../format";
import { href } from "../router";
import { ErrorAlert } from "./ErrorAlert";
import { Modal } from "./Modal";
import { Time } from "./Time";
import { TokenShownOnce } from "./TokenShownOnce";
import { tokenState } from "./TokenStatus";

interface Props {
  token: TokenMetadata;
  onClose: () => void;
  // The token was rotated: the page behind may refresh.
  onRotated: () => void;
}

const hour = 3600;
// How long the old token may keep working (RotateTokenRequest.overlap: 0s to 168h).
const overlaps: Array<{ seconds: number; label: string }> = [
  { seconds: hour, label: "1 hour" },
  { seconds: 24 * hour, label: "24 hours (default)" },
  { seconds: 72 * hour, label: "3 days" },
  { seconds: 168 * hour, label: "7 days" },
  { seconds: 0, label: "End now: refuse it at once" },
];
const defaultOverlap = 24 * hour;

// Why `t` cannot be rotated, or undefined if it can.
export function rotateBlocked(t: TokenMetadata, now: number): string | undefined {
  if (t.rotatedTo) return "This token was rotated already: rotate its successor instead.";
  switch (tokenState(t, now)) {
    case "Revoked":
      return "A revoked token cannot be rotated.";
    case "Expired":
      return "An expired token cannot be rotated: generate a new one.";
    case "Live":
      return undefined;
  }
}

export function RotateTokenDialog({ token, onClose, onRotated }: Props) {
  const [overlap, setOverlap] = useState(defaultOverlap);
  const [chooseExpiration, setChooseExpiration] = useState(false);
  // The old token's lifetime, which the successor gets from now unless another is chosen.
  const lifetimeMs = token.expiration && token.issuedAt
    ? timestampDate(token.expiration).getTime() - timestampDate(token.issuedAt).getTime()
    : 0;
  const [expiration, setExpiration] = useState(
    () => toDateTimeLocal(new Date(Date.now() + lifetimeMs)));
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [rotated, setRotated] = useState<RotateTokenResponse | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setProblem("");
    const expires = chooseExpiration ? parseDateTimeLocal(expiration) : undefined;
    if (chooseExpiration && !expires) {
      setProblem("Enter the successor's expiration as a date and time.");
      return;
    }
    setBusy(true);
    try {
      const res = await tokens.rotateToken({
        id: token.id,
        overlap: { seconds: BigInt(overlap), nanos: 0 },
        expiration: expires && timestampFromDate(expires),
      });
      setRotated(res);
      onRotated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const title = `Rotate token ${token.name}`;
  if (rotated) {
    const successor = rotated.metadata;
    const previous = rotated.previous;
    const oldEnds = previous?.expiration;
    const endedNow = overlap === 0 || !oldEnds;
    return (
      <Modal title={title} onClose={onClose}>
        <TokenShownOnce token={rotated.token} onClose={onClose}>
          <p>
            Token <strong>{token.name}</strong> was rotated.{" "}
            {successor && (
              <>
                Its <a href={href("tokens", successor.id)}>successor</a> expires{" "}
                <Time value={successor.expiration} />.{" "}
              </>
            )}
            {endedNow ? "The old token no longer works."
              : <>The old token keeps working until <Time value={oldEnds} />, then Warden refuses it.</>}
          </p>
        </TokenShownOnce>
      </Modal>
    );
  }

  const now = Date.now();
  const oldExpires = token.expiration ? timestampDate(token.expiration) : undefined;
  const cutAt = new Date(now + overlap * 1000);
  const oldEnds = oldExpires && oldExpires < cutAt ? oldExpires : cutAt;
  return (
    <Modal title={title} onClose={onClose}>
      <form onSubmit={submit} aria-busy={busy}>
        <p>
          Rotating mints a successor with the same name, description and roles, and shows its
          token once. The old token keeps working for the overlap you choose, so that whatever
          uses it can switch to the successor without an outage; then Warden refuses it.
        </p>
        <fieldset class="field">
          <legend>The old token keeps working for</legend>
          <ul class="checks">
            {overlaps.map((o) => (
              <li key={o.seconds}>
                <label>
                  <input type="radio" name="overlap" checked={overlap === o.seconds}
                         onChange={() => setOverlap(o.seconds)} />
                  {o.label}
                </label>
              </li>
            ))}
          </ul>
          <p class="hint">
            {overlap === 0 ? "It stops working as soon as you rotate."
              : <>It stops working at <Time value={oldEnds} />
                {oldEnds === oldExpires ? ", its own expiration, which comes sooner." : "."}</>}
          </p>
        </fieldset>
        <fieldset class="field">
          <legend>The successor expires</legend>
          <ul class="checks">
            <li>
              <label>
                <input type="radio" name="successor-expiration" checked={!chooseExpiration}
                       onChange={() => setChooseExpiration(false)} />
                After this token's lifetime from now ({roughDuration(lifetimeMs / 1000)})
              </label>
            </li>
            <li>
              <label>
                <input type="radio" name="successor-expiration" checked={chooseExpiration}
                       onChange={() => setChooseExpiration(true)} />
                At a time I choose
              </label>
            </li>
          </ul>
          {chooseExpiration && (
            <div class="field">
              <label for="successor-expiration">Successor's expiration</label>
              <input id="successor-expiration" type="datetime-local" required value={expiration}
                     onInput={(e) => setExpiration(e.currentTarget.value)}
                     aria-describedby="successor-expiration-hint" />
              <p class="hint" id="successor-expiration-hint">
                Your local time; within the server's maximum token lifetime.
              </p>
            </div>
          )}
        </fieldset>
        {problem && <p role="alert" class="alert">{problem}</p>}
        <ErrorAlert error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? "Rotating…" : "Rotate"}
          </button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Modal>
  );
}
