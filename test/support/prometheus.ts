/**
 * A reader of the Prometheus text exposition format (version 0.0.4), for tests that assert on
 * what GET /metrics answers: samples with their labels and values, and the declared types.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** `# TYPE` of each metric family. */
  types: Map<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;

function parseValue(raw: string): number {
  const v = raw.toLowerCase();
  if (v === 'nan') return NaN;
  if (v === '+inf' || v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  const n = Number(raw);
  if (Number.isNaN(n)) throw new Error(`not a sample value: ${raw}`);
  return n;
}

/** `a="x",b="y \"q\""` -> { a: 'x', b: 'y "q"' } (escapes: \\, \", \n). */
function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0 || text[eq + 1] !== '"') throw new Error(`bad labels in: ${line}`);
    const name = text.slice(i, eq).trim();
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[++j];
        value += next === 'n' ? '\n' : next;
      } else value += text[j];
    }
    if (j >= text.length) throw new Error(`unterminated label value in: ${line}`);
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
  }
  return labels;
}

export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type) types.set(type[1], type[2]);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    samples.push({ name: m[1], labels: m[2] ? parseLabels(m[2], line) : {}, value: parseValue(m[3]) });
  }
  return { samples, types };
}

/** One scrape, with lookups by metric name and a subset of labels. */
export class Scrape {
  constructor(readonly exposition: Exposition) {}

  static of(text: string): Scrape {
    return new Scrape(parseExposition(text));
  }

  /** Samples of `name` whose labels include all of `labels`. */
  samples(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.exposition.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }

  /** Sum of the matching samples' values (0 when there is none). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.samples(name, labels).reduce((a, s) => a + s.value, 0);
  }

  /** Whether some sample of `name` has exactly these labels (among others none). */
  has(name: string, labels: Record<string, string> = {}): boolean {
    return this.samples(name, labels).length > 0;
  }

  /** The distinct values of one label of a metric. */
  labelValues(name: string, label: string, where: Record<string, string> = {}): string[] {
    return [...new Set(this.samples(name, where).flatMap((s) => (label in s.labels ? [s.labels[label]] : [])))].sort();
  }

  /** What `name` gained from `before` to this scrape, for the matching samples. */
  delta(before: Scrape, name: string, labels: Record<string, string> = {}): number {
    return this.value(name, labels) - before.value(name, labels);
  }
}
