// useSave: the state of a form that creates or updates one object. run() clears the last
// error and "Saved.", marks the form busy while the call is pending, and on an answer
// shows "Saved." (after an update: a created object's page opens instead) and hands the
// object to onSaved; a failure is kept in `error` for the form to show.
import { useState } from "preact/hooks";

export interface SaveState {
  busy: boolean;
  error: unknown;
  saved: boolean;
}

export function useSave() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);

  // Forgets the last outcome, for a form that refuses its input before calling.
  const reset = () => {
    setError(undefined);
    setSaved(false);
  };

  // `action` creates or updates, and returns what the server answered with.
  const run = async <T>(creating: boolean, action: () => Promise<T | undefined>,
                        onSaved: (saved: T) => void) => {
    reset();
    setBusy(true);
    try {
      const result = await action();
      if (result) {
        setSaved(!creating);
        onSaved(result);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return { busy, error, saved, setSaved, reset, run };
}
