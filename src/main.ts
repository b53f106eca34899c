import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { loadConfigOrExit } from './config/config';
import { EmbeddedPostgresError } from './database/embedded-postgres';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApp(config);
  app.enableShutdownHooks();
  await app.listen(config.port);
  new Logger('Herald').log(`listening on http://localhost:${config.port} (OpenAPI at /docs)`);
}

main().catch((err) => {
  // Problems the operator can fix are one sentence saying what to do; anything else keeps its stack.
  console.error(err instanceof EmbeddedPostgresError ? `Herald: ${err.message}` : err);
  process.exit(1);
});
