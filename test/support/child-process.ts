import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The repository root (jest runs from it). */
export const ROOT = process.cwd();

/**
 * Node arguments that run a TypeScript entry from source, as a consumer of `herald/client`
 * would after a build: the package's `herald-source` export condition points at src/client.
 */
const NODE_ARGS = ['--conditions=herald-source', '-r', join(ROOT, 'test', 'support', 'ts-register.cjs')];

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A child process running a TypeScript file, its output collected as it comes. */
export class Child {
  stdout = '';
  stderr = '';
  readonly finished: Promise<Finished>;
  private readonly proc: ChildProcess;

  constructor(file: string, args: string[], env: Record<string, string | undefined> = {}) {
    this.proc = spawn(process.execPath, [...NODE_ARGS, join(ROOT, file), ...args], {
      cwd: ROOT,
      env: { ...process.env, HERALD_URL: undefined, HERALD_API_KEY: undefined, NO_COLOR: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout!.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.proc.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.finished = new Promise((resolve) => this.proc.on('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr })));
  }

  /** Resolves with the first match of `pattern` in stdout (fails after `timeoutMs`, or if the process ends first). */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void this.finished.then(() => (ended = true));
    for (;;) {
      const m = this.stdout.match(pattern);
      if (m) return m;
      if (ended || Date.now() > deadline) throw new Error(`${pattern} not printed${ended ? ' (the process ended)' : ''}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The JSON lines printed so far. */
  jsonLines(): any[] {
    return this.stdout
      .split('\n')
      .filter((l) => l.trim().startsWith('{'))
      .map((l) => JSON.parse(l));
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Finished> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    return this.finished;
  }
}

/** Runs a TypeScript file to its end. */
export async function run(file: string, args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 30_000): Promise<Finished> {
  const child = new Child(file, args, env);
  const timer = setTimeout(() => void child.stop('SIGKILL'), timeoutMs);
  try {
    return await child.finished;
  } finally {
    clearTimeout(timer);
  }
}

/** The `herald` command line, from source. */
export const CLI = 'src/cli/herald.ts';
