import { useEffect, useState } from 'preact/hooks';
import type { ApiFailure } from '../api/failure';
import type { StatusView } from '../api/herald';
import { watchStatus, type LiveMode } from '../api/live-status';

/** A job's status as it changes (the status stream when Herald serves it, else GET status every second). */
export function useLiveStatus(jobId: string, restart = 0): { status?: StatusView; error?: ApiFailure; mode: LiveMode } {
  const [state, setState] = useState<{ status?: StatusView; error?: ApiFailure; mode: LiveMode }>({ mode: 'connecting' });
  useEffect(() => {
    setState({ mode: 'connecting' });
    const watch = watchStatus(jobId, {
      onStatus: (status) => setState((s) => ({ ...s, status, error: undefined })),
      onError: (error) => setState((s) => ({ ...s, error })),
      onMode: (mode) => setState((s) => ({ ...s, mode })),
    });
    return () => watch.stop();
  }, [jobId, restart]);
  return state;
}
