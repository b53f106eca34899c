import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { sleep } from '../bench-util';

const ROOT = join(__dirname, '..', '..', '..');

/** A Herald process (dist/src/main.js) on the given database, as an operator runs it. */
export interface Instance {
  proc: ChildProcess;
  url: string;
  exited: Promise<void>;
}

export async function startInstance(databaseUrl: string, name: string, env: Record<string, string> = {}): Promise<Instance> {
  const proc = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HERALD_LOG_LEVEL: 'log', NODE_ENV: 'development', HERALD_ADMIN_KEY: undefined, HERALD_API_KEYS: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = /listening on (http:\/\/[^\s"]+)/.exec(out);
    if (m) return { proc, url: m[1], exited };
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`instance ${name} did not start:\n${out}`);
    await sleep(50);
  }
}
