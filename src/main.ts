import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { loadConfigOrExit } from './config/config';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApp(config);
  app.enableShutdownHooks();
  await app.listen(config.port);
  new Logger('Herald').log(`listening on http://localhost:${config.port} (OpenAPI at /docs)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
