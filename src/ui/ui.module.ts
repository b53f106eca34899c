import { Module, type DynamicModule } from '@nestjs/common';
import type { HeraldConfig } from '../config/config';
import { DashboardBundle } from './dashboard-bundle';
import { DashboardController } from './http/dashboard.controller';

/** The web dashboard at /ui (docs/DASHBOARD.md): the built bundle of ui/, served as static files; off with HERALD_DASHBOARD=false. */
@Module({})
export class UiModule {
  static forRoot(config: Pick<HeraldConfig, 'dashboard'>): DynamicModule {
    if (!config.dashboard) return { module: UiModule };
    return { module: UiModule, controllers: [DashboardController], providers: [{ provide: DashboardBundle, useValue: new DashboardBundle() }] };
  }
}
