import { useEffect, useState } from 'preact/hooks';
import { asFailure, ok, type ApiFailure } from '../api/failure';
import { herald, type JobEvent } from '../api/herald';

const PAGE = 1000;
/** Most pages read in one go (a job of many tasks has many events). */
const PAGES = 20;

/** A job's events, read once in full and then tailed (only the new ones) every `everyMs`. */
export function useJobEvents(jobId: string, everyMs = 1500): { events: JobEvent[]; error?: ApiFailure } {
  const [state, setState] = useState<{ events: JobEvent[]; error?: ApiFailure }>({ events: [] });
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let next = 1;
    const all: JobEvent[] = [];
    setState({ events: [] });
    const tick = async () => {
      try {
        let added = false;
        for (let page = 0; page < PAGES; page++) {
          const answer = await ok(herald().GET('/api/v1/jobs/{jobId}/events', { params: { path: { jobId }, query: { fromVersion: next, limit: PAGE } } }));
          if (stopped) return;
          if (answer.events.length > 0) {
            all.push(...answer.events);
            next = answer.events[answer.events.length - 1].version + 1;
            added = true;
          }
          if (answer.nextVersion === null) break;
        }
        if (added) setState({ events: [...all] });
        else setState((s) => (s.error ? { events: s.events } : s));
      } catch (err) {
        if (!stopped) setState((s) => ({ events: s.events, error: asFailure(err) }));
      }
      if (!stopped) timer = setTimeout(() => void tick(), everyMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [jobId, everyMs]);
  return state;
}
