// A failed call's error, in the server's words, where the action happened.
import { errorMessage } from "../api";

interface Props {
  error: unknown;
  // What failed, e.g. "Could not load tokens".
  context?: string;
}

export function ErrorAlert({ error, context }: Props) {
  if (error === undefined || error === null) return null;
  return (
    <div role="alert" class="alert">
      {context && <strong>{context}: </strong>}
      {errorMessage(error)}
    </div>
  );
}
