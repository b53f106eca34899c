import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { HeraldConfig } from '../config/config';
import { ApiKeyGuard } from './api-key.guard';
import { AdminKeys } from './api-keys';
import { Callers } from './callers.service';
import { KeysController } from './http/keys.controller';
import { ApiKeysRepository } from './infrastructure/api-keys.repository';
import { KeysService } from './keys.service';

/** API keys: admin keys from the configuration, project keys in the database, the guard on every handler. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(config: HeraldConfig): DynamicModule {
    return {
      module: AuthModule,
      controllers: [KeysController],
      providers: [
        { provide: AdminKeys, useValue: new AdminKeys(adminKeysOf(config)) },
        ApiKeysRepository,
        Callers,
        KeysService,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
      exports: [Callers],
    };
  }
}

/** HERALD_ADMIN_KEY and HERALD_API_KEYS: both are admin keys. */
export function adminKeysOf(config: Pick<HeraldConfig, 'adminKey' | 'apiKeys'>): string[] {
  return [...(config.adminKey ? [config.adminKey] : []), ...config.apiKeys];
}
