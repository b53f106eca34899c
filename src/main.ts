import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.factory';
import { loadConfigOrExit } from './config/config';
import { EmbeddedPostgresError } from './database/embedded-postgres';
import { MigrationsPendingError } from './database/migrate';
import { createHeraldLog, type HeraldLog } from './logging/herald-log';

/** The address the server really listens on, as a URL (IPv6 in brackets). */
function listeningOn(address: AddressInfo | string | null): string {
  if (!address || typeof address === 'string') return String(address);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** The service's logger, once the configuration is read (start-up failures are logged through it). */
let root: HeraldLog | undefined;

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  root = createHeraldLog({ level: config.logLevel, format: config.logFormat });
  const app = await createApp(config, { log: root });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const log = root.child({ context: 'Herald' });
  const url = listeningOn(app.getHttpServer().address());
  log.info({ url }, `listening on ${url}${config.docs ? ' (OpenAPI at /docs)' : ''}`);
  if (config.apiKeys.length === 0 && !config.adminKey && !process.env.HERALD_HOST) {
    log.info('the API is open (no HERALD_ADMIN_KEY or HERALD_API_KEYS), so Herald listens on this machine only; set HERALD_HOST=0.0.0.0 to accept other machines');
  }
}

main().catch((err) => {
  // Problems the operator can fix are one sentence saying what to do; anything else keeps its stack.
  const sentence = err instanceof EmbeddedPostgresError || err instanceof MigrationsPendingError;
  if (!root) console.error(sentence ? `Herald: ${err.message}` : err);
  else if (sentence) root.fatal(`Herald: ${err.message}`);
  else root.fatal({ err }, `Herald did not start: ${(err as Error)?.message ?? String(err)}`);
  process.exit(1);
});
