// Generate token: name, an optional description, roles (only those the caller may give),
// expiration. The new token is shown once, here; it lives in this component's state only and
// is gone when the dialog closes.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { useEffect, useState } from "preact/hooks";
import { tokens } from "../api";
import type { TokenMetadata } from "../gen/warden/v1/token_pb";
import {
  characters, hasControlCharacters, maxDescriptionLength, parseDateTimeLocal, toDateTimeLocal,
  windowWords,
} from "../format";
import { useLoad } from "../load";
import { ErrorAlert } from "./ErrorAlert";
import { Loading } from "./Loading";
import { Modal } from "./Modal";
import { Time } from "./Time";
import { TokenShownOnce } from "./TokenShownOnce";

interface Props {
  onClose: () => void;
  // A token was generated: the list behind may refresh.
  onGenerated: () => void;
}

interface Generated {
  token: string;
  metadata: TokenMetadata | undefined;
}

function oneYearFromNow(): Date {
  const d = new Date();
  d.setFullYear(d.getFullYear() + 1);
  return d;
}

// `seconds` from now.
function fromNow(seconds: bigint | undefined): Date | undefined {
  return seconds === undefined ? undefined : new Date(Date.now() + Number(seconds) * 1000);
}

export function GenerateTokenDialog({ onClose, onGenerated }: Props) {
  const allowed = useLoad((signal) => tokens.listAllowedTokenRoles({}, { signal }), []);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [expiration, setExpiration] = useState(() => toDateTimeLocal(oneYearFromNow()));
  const [expirationEdited, setExpirationEdited] = useState(false);
  // The server's lifetimes, once known: the default and the latest expiration it accepts.
  const lifetimes = allowed.data && {
    defaultSeconds: Number(allowed.data.defaultLifetime?.seconds ?? 0n),
    maxSeconds: Number(allowed.data.maxLifetime?.seconds ?? 0n),
    latest: fromNow(allowed.data.maxLifetime?.seconds),
  };
  useEffect(() => {
    const start = fromNow(allowed.data?.defaultLifetime?.seconds);
    if (start && !expirationEdited) setExpiration(toDateTimeLocal(start));
  }, [allowed.data]);
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [generated, setGenerated] = useState<Generated | null>(null);
  const descriptionLength = characters(description);

  const toggle = (role: string, on: boolean) =>
    setChosen((c) => (on ? [...c.filter((r) => r !== role), role] : c.filter((r) => r !== role)));

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setProblem("");
    if (hasControlCharacters(name)) {
      setProblem("The name may hold printable characters only.");
      return;
    }
    if (hasControlCharacters(description)) {
      setProblem("The description may hold printable characters only.");
      return;
    }
    if (descriptionLength > maxDescriptionLength) {
      setProblem(`The description is ${descriptionLength.toLocaleString()} characters long; ` +
                 `the limit is ${maxDescriptionLength.toLocaleString()}.`);
      return;
    }
    if (chosen.length === 0) {
      setProblem("Choose at least one role.");
      return;
    }
    const expires = parseDateTimeLocal(expiration);
    if (!expires) {
      setProblem("Enter the expiration as a date and time.");
      return;
    }
    setBusy(true);
    try {
      const res = await tokens.generateToken({
        name,
        description,
        roles: (allowed.data?.roleNames ?? []).filter((r) => chosen.includes(r)),
        expiration: timestampFromDate(expires),
      });
      setGenerated({ token: res.token, metadata: res.metadata });
      onGenerated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (generated) {
    return (
      <Modal title="Generate token" onClose={onClose}>
        <TokenShownOnce token={generated.token} onClose={onClose}>
          <p>
            Token <strong>{generated.metadata?.name ?? name}</strong> was generated. It
            expires <Time value={generated.metadata?.expiration} />.
          </p>
        </TokenShownOnce>
      </Modal>
    );
  }

  const roleNames = allowed.data?.roleNames ?? [];
  return (
    <Modal title="Generate token" onClose={onClose}>
      <form onSubmit={submit} aria-busy={busy}>
        <div class="field">
          <label for="token-name">Name</label>
          <input
            id="token-name"
            required
            maxLength={128}
            autocomplete="off"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            aria-describedby="token-name-hint"
          />
          <p class="hint" id="token-name-hint">1 to 128 printable characters, to recognise the token by.</p>
        </div>
        <div class="field">
          <label for="token-description">Description</label>
          <textarea
            id="token-description"
            rows={2}
            value={description}
            // One line: Enter submits, as in the name field; pasted line breaks become spaces.
            onKeyDown={(e) => {
              if (e.key !== "Enter") return;
              e.preventDefault();
              e.currentTarget.form?.requestSubmit();
            }}
            onInput={(e) => setDescription(e.currentTarget.value.replace(/\r\n|[\r\n]/g, " "))}
            aria-invalid={descriptionLength > maxDescriptionLength}
            aria-describedby="token-description-hint"
          />
          <p class={descriptionLength > maxDescriptionLength ? "hint over" : "hint"}
             id="token-description-hint">
            Optional: what the token is for, shown with its name.{" "}
            {descriptionLength.toLocaleString()} of {maxDescriptionLength.toLocaleString()} characters.
          </p>
        </div>
        <fieldset class="field">
          <legend>Roles</legend>
          {allowed.loading && <Loading label="Loading roles…" />}
          <ErrorAlert error={allowed.error} context="Could not load the roles you may give" />
          {allowed.data && roleNames.length === 0 && (
            <p class="note">You may not give any role to a token.</p>
          )}
          <ul class="checks">
            {roleNames.map((r) => (
              <li key={r}>
                <label>
                  <input
                    type="checkbox"
                    checked={chosen.includes(r)}
                    onChange={(e) => toggle(r, e.currentTarget.checked)}
                  />
                  {r}
                </label>
              </li>
            ))}
          </ul>
          <p class="hint">Only the roles you may give are listed: a token cannot do more than you.</p>
        </fieldset>
        <div class="field">
          <label for="token-expiration">Expiration</label>
          <input
            id="token-expiration"
            type="datetime-local"
            required
            value={expiration}
            max={lifetimes?.latest && toDateTimeLocal(lifetimes.latest)}
            onInput={(e) => {
              setExpirationEdited(true);
              setExpiration(e.currentTarget.value);
            }}
            aria-describedby="token-expiration-hint"
          />
          <p class="hint" id="token-expiration-hint">
            {lifetimes?.latest
              ? `Your local time. Default: ${windowWords(lifetimes.defaultSeconds)} from now; ` +
                `at most ${windowWords(lifetimes.maxSeconds)} (until ${lifetimes.latest.toLocaleString()}).`
              : "Your local time. Default: one year."}
          </p>
        </div>
        {problem && <p role="alert" class="alert">{problem}</p>}
        <ErrorAlert error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || !allowed.data}>
            {busy ? "Generating…" : "Generate"}
          </button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Modal>
  );
}
