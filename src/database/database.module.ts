import { Global, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '../config/config';
import { createPool, Db } from './db';
import { startEmbeddedPostgres, type EmbeddedHandle } from './embedded-postgres';
import { MigrationsPendingError, pendingMigrations, runMigrations } from './migrate';

/** Owns the pool (and the embedded server when there is no DATABASE_URL); closes them last. */
export class DatabaseConnection implements OnApplicationShutdown {
  constructor(
    readonly db: Db,
    readonly url: string,
    private readonly embedded?: EmbeddedHandle,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.end().catch(() => undefined);
    await this.embedded?.stop();
  }
}

export async function connect(config: HeraldConfig): Promise<DatabaseConnection> {
  const log = new Logger('Database');
  let embedded: EmbeddedHandle | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log: (l) => log.log(l) });
    url = embedded.url;
  }
  if (config.migrate) {
    const ran = await runMigrations(url);
    if (ran.length) log.log(`ran migrations: ${ran.join(', ')}`);
  } else {
    // HERALD_MIGRATE=off: the schema is the migration command's job; refuse to run on an older one.
    const pending = await pendingMigrations(url);
    if (pending.length) {
      await embedded?.stop();
      throw new MigrationsPendingError(pending);
    }
  }
  return new DatabaseConnection(new Db(createPool(url, config.poolSize)), url, embedded);
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: HeraldConfig): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: HERALD_CONFIG, useValue: config },
        { provide: DatabaseConnection, useFactory: () => connect(config) },
        { provide: Db, useFactory: (c: DatabaseConnection) => c.db, inject: [DatabaseConnection] },
      ],
      exports: [HERALD_CONFIG, DatabaseConnection, Db],
    };
  }
}
