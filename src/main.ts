import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Herald: bad configuration: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const app = await createApp(config);
  app.enableShutdownHooks();
  await app.listen(config.port);
  new Logger('Herald').log(`listening on http://localhost:${config.port} (OpenAPI at /docs)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
