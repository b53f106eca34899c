import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { asFailure, type ApiFailure } from '../api/failure';

export interface Polled<T> {
  data?: T;
  error?: ApiFailure;
  loading: boolean;
  /** Loads again now (after an action). */
  reload: () => void;
}

/**
 * Loads `load()` now and, with `everyMs`, again that long after each answer (not while the tab
 * is hidden); `deps` changing starts over. A failed load keeps the last data and shows its error.
 */
export function usePolled<T>(load: () => Promise<T>, everyMs: number | null, deps: readonly unknown[]): Polled<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiFailure; loading: boolean }>({ loading: true });
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (typeof document !== 'undefined' && document.hidden && everyMs !== null) {
        timer = setTimeout(() => void run(), everyMs);
        return;
      }
      try {
        const data = await loadRef.current();
        if (!stopped) setState({ data, loading: false });
      } catch (err) {
        if (!stopped) setState((s) => ({ data: s.data, error: asFailure(err), loading: false }));
      }
      if (!stopped && everyMs !== null) timer = setTimeout(() => void run(), everyMs);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [...deps, nonce, everyMs]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, reload };
}

/** Runs an action, keeping its pending state and failure for the button that started it. */
export function useAction<A extends unknown[], R>(act: (...args: A) => Promise<R>): { run: (...args: A) => Promise<R | undefined>; busy: boolean; error?: ApiFailure; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure>();
  const run = async (...args: A): Promise<R | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await act(...args);
    } catch (err) {
      setError(asFailure(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, clear: () => setError(undefined) };
}
