// useLoad: runs an API call when its inputs change, and says whether it is pending, what it
// returned or why it failed. A page left before the answer cancels the call. The data is
// always that of the current inputs: when they change it is dropped at once, while
// reload() keeps it on show until the new answer comes.
import { useCallback, useEffect, useState } from "preact/hooks";
import { isAbort } from "./api";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

interface State<T> {
  deps: unknown[];
  data: T | undefined;
  error: unknown;
  loading: boolean;
}

const same = (a: unknown[], b: unknown[]) =>
  a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

export function useLoad<T>(fn: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<State<T>>(
    { deps, data: undefined, error: undefined, loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    setState((s) => ({ deps, data: same(s.deps, deps) ? s.data : undefined, error: undefined, loading: true }));
    fn(abort.signal).then(
      (data) => {
        if (!abort.signal.aborted) setState({ deps, data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (!abort.signal.aborted && !isAbort(error)) {
          setState({ deps, data: undefined, error, loading: false });
        }
      });
    return () => abort.abort();
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  const current = same(state.deps, deps);
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: !current || state.loading,
    reload,
  };
}
