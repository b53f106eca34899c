import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgresError, startEmbeddedPostgres } from '../../src/database/embedded-postgres';

describe('embedded PostgreSQL start-up errors', () => {
  let dir: string;
  let blocker: Server;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-pg-err-'));
    blocker = createServer((s) => s.destroy());
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  });

  afterAll(async () => {
    await new Promise((r) => blocker.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a port taken by another program is one clear error, not a crash', async () => {
    const port = (blocker.address() as { port: number }).port;
    const failure = startEmbeddedPostgres({ dataDir: dir, port, fast: true });
    await expect(failure).rejects.toBeInstanceOf(EmbeddedPostgresError);
    await expect(failure).rejects.toThrow(new RegExp(`did not start on port ${port} .*HERALD_EMBEDDED_PG_PORT`));
  });
});
