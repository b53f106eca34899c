import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The dashboard's bundle for the tests: dist/ui, built by `npm run build` (vite, ui/vite.config.mjs).
 * The global set-up builds it when it is missing or older than its sources (a hash of ui/, the
 * typed client it bundles and the lock file, kept beside the bundle), so `npm test` always
 * serves the current one. Built into a folder of its own, then moved in place: two runs at once
 * never serve half a bundle.
 */
const ROOT = process.cwd();
export const DASHBOARD_DIR = join(ROOT, 'dist', 'ui');
const STAMP = '.inputs-sha256';
const INPUTS = ['ui', 'src/client/herald-client.ts', 'src/client/api-types.ts', 'package-lock.json'];

function filesBelow(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name !== 'node_modules')
    .sort()
    .flatMap((name) => filesBelow(join(path, name)));
}

export function dashboardInputsHash(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((p) => filesBelow(join(ROOT, p)))) hash.update(file.slice(ROOT.length)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function stampOf(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, STAMP), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Builds dist/ui unless it is the build of the current sources; returns whether it built. */
export function ensureDashboardBuilt(): boolean {
  const hash = dashboardInputsHash();
  if (stampOf(DASHBOARD_DIR) === hash && existsSync(join(DASHBOARD_DIR, 'index.html'))) return false;
  const out = join(ROOT, 'dist', `.ui-build-${process.pid}`);
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const run = spawnSync(process.execPath, [vite, 'build', '--config', 'ui/vite.config.mjs', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production' }, encoding: 'utf8', timeout: 180_000 });
  if (run.status !== 0) {
    rmSync(out, { recursive: true, force: true });
    throw new Error(`the dashboard's build (vite build --config ui/vite.config.mjs) failed:\n${run.stderr || run.stdout || run.error?.message}`);
  }
  writeFileSync(join(out, STAMP), hash);
  rmSync(DASHBOARD_DIR, { recursive: true, force: true });
  try {
    renameSync(out, DASHBOARD_DIR);
  } catch (err) {
    // Another run moved its build in first: the same sources, the same bundle.
    rmSync(out, { recursive: true, force: true });
    if (stampOf(DASHBOARD_DIR) !== hash) throw err;
  }
  return true;
}

/** The hashed files index.html loads (its script and stylesheet). */
export function dashboardAssets(): string[] {
  const html = readFileSync(join(DASHBOARD_DIR, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="\/ui\/assets\/([^"]+)"/g)].map((m) => m[1]);
}
