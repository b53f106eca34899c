import { quantile } from '../bench-util';

/** Rounding, percentages, medians and latency summaries of the delivery bench. */

export const round = (x: number, d = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);
export const pct = (x: number) => (Number.isFinite(x) ? `${x}%` : 'n/a');
/** a / b rounded, NaN when either is missing. */
export const ratio = (a: number | undefined, b: number | undefined, d = 2) => (a === undefined || b === undefined || !b ? NaN : round(a / b, d));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface LatencyStats {
  n: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
}

export function latencyStats(samples: number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  return {
    n: s.length,
    p50Ms: round(quantile(s, 0.5)),
    p95Ms: round(quantile(s, 0.95)),
    p99Ms: round(quantile(s, 0.99)),
    meanMs: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
    maxMs: round(s[s.length - 1]),
  };
}
