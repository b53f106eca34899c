import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { loadConfigOrExit } from './config/config';
import { EmbeddedPostgresError } from './database/embedded-postgres';

/** The address the server really listens on, as a URL (IPv6 in brackets). */
function listeningOn(address: AddressInfo | string | null): string {
  if (!address || typeof address === 'string') return String(address);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApp(config);
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const log = new Logger('Herald');
  log.log(`listening on ${listeningOn(app.getHttpServer().address())}${config.docs ? ' (OpenAPI at /docs)' : ''}`);
  if (config.apiKeys.length === 0 && !config.adminKey && !process.env.HERALD_HOST) {
    log.log('the API is open (no HERALD_ADMIN_KEY or HERALD_API_KEYS), so Herald listens on this machine only; set HERALD_HOST=0.0.0.0 to accept other machines');
  }
}

main().catch((err) => {
  // Problems the operator can fix are one sentence saying what to do; anything else keeps its stack.
  console.error(err instanceof EmbeddedPostgresError ? `Herald: ${err.message}` : err);
  process.exit(1);
});
