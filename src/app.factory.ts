import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { json, type NextFunction, type Request, type Response } from 'express';
import { AppModule } from './app.module';
import { createHeraldLog, type HeraldLog } from './logging/herald-log';
import { levelOfNestLevels } from './logging/log-settings';
import { NestLoggerAdapter } from './logging/nest-logger.adapter';
import { requestLogMiddleware } from './logging/request-log.middleware';
import { HeraldExpressAdapter, ShutdownLog } from './logging/shutdown-log.service';
import { fromHttpError } from './common/error.filter';
import { apiKeyMiddleware } from './auth/api-key.middleware';
import { requestIdMiddleware } from './common/request-id.middleware';
import { httpSpansMiddleware } from './tracing/http-spans.middleware';
import { Tracing } from './tracing/tracing.service';
import { httpMetricsMiddleware } from './metrics/http/http-metrics.middleware';
import { MetricsService } from './metrics/metrics.service';
import { Callers } from './auth/callers.service';
import { StreamTokens } from './streams/stream-tokens.service';
import { ProjectLimitsService } from './limits/limits.service';
import { isPublicRequest } from './auth/public-routes';
import { finishDocument } from './common/openapi';
import type { HeraldConfig } from './config/config';
import { HERALD_VERSION } from './version';
import type { Resolver } from './webhooks/infrastructure/egress-guard';
import { HERALD_WEBHOOKS } from './webhooks/http/webhooks.openapi';

const QUEUE_BODY_LIMIT = '1mb';
/** A project's webhook trigger, below /api/v1/projects. */
const PROJECT_HOOK = /^\/[^/]+\/hooks\/[^/]+$/;

/** Body-parser errors of routes parsed before Nest, rendered like every other error. */
function bodyErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  const known = fromHttpError(err);
  if (!known) return next(err);
  res.status(known.status).json({ error: { code: known.code, message: known.message } });
}

export interface CreateAppOptions {
  /** The application's logger (main.ts makes it first; tests give one writing to memory). Default: made from config.logLevel and config.logFormat. */
  log?: HeraldLog;
  /** Without `log`: the levels to log instead of config.logLevel (the most detailed one counts), or false for none. */
  logger?: LogLevel[] | false;
  /** The DNS lookup of the egress guard (tests); default node's dns.lookup. */
  resolver?: Resolver;
}

/** Builds the Herald application (used by main.ts and by the end-to-end tests). */
export async function createApp(config: HeraldConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  // One spelling per route: '/API/v1/...' or '/api/v1/exec/jobs/' is a 404, never a second way
  // in (express takes these settings when its router is first created, so before Nest's routes).
  const server = express();
  server.set('case sensitive routing', true);
  server.set('strict routing', true);
  // req.ip: the TCP peer, or the address a trusted proxy forwarded (HERALD_TRUST_PROXY, config/trust-proxy.ts).
  server.set('trust proxy', config.trustProxy);
  const level = options.logger === undefined ? config.logLevel : options.logger === false ? 'silent' : levelOfNestLevels(options.logger);
  const log = options.log ?? createHeraldLog({ level, format: config.logFormat });
  const adapter = new HeraldExpressAdapter(server);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, { resolver: options.resolver, log }), adapter, {
    bodyParser: false,
    // Start-up errors reach the caller (main.ts prints them) instead of Nest's process.abort().
    abortOnError: false,
    logger: options.logger === false ? false : new NestLoggerAdapter(log),
  });
  adapter.onShutdown = () => app.get(ShutdownLog).started();
  // First: every answer is counted, also those given before routing (401, 413).
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  app.use(requestIdMiddleware());
  // The request's server span, when tracing is on (docs/TRACING.md): after the request id, which it records.
  const tracing = app.get(Tracing);
  if (tracing.enabled) app.use(httpSpansMiddleware(tracing));
  // After the request id is set (the line's reqId), before anything can answer (a 401 is logged too).
  app.use(requestLogMiddleware(log));
  app.use(apiKeyMiddleware(app.get(Callers), config.docs, app.get(ProjectLimitsService), config.dashboard, app.get(StreamTokens)));
  // Queue requests: any JSON value (not only objects), up to 1 MiB; larger is 413 and nothing is stored.
  app.use('/queue', json({ limit: QUEUE_BODY_LIMIT, strict: false, type: () => true }), bodyErrors);
  // Webhook triggers: the exact bytes are kept, for their Standard Webhooks signature.
  const signed = json({ limit: config.bodyLimit, type: () => true, verify: (req, _res, buf) => ((req as unknown as { rawBody: Buffer }).rawBody = buf) });
  app.use('/api/v1/hooks', signed, bodyErrors);
  app.use('/api/v1/projects', (req: Request, res: Response, next: NextFunction) => (PROJECT_HOOK.test(req.path) ? signed(req, res, next) : next()), bodyErrors);
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.disable('x-powered-by');
  if (config.docs) {
    // Request bodies, queries and answers come from the zod schemas that validate them (common/openapi.ts).
    const doc = finishDocument(
      SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('Herald').setDescription('Event-sourced job tracking and webhook delivery').setVersion(HERALD_VERSION).build()),
      { isPublic: (method, path) => isPublicRequest(method, path, false), webhooks: HERALD_WEBHOOKS },
    );
    SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs-json', swaggerOptions: { persistAuthorization: true } });
  }
  if (config.apiKeys.length === 0 && !config.adminKey) {
    new Logger('Auth').warn('no admin key (HERALD_ADMIN_KEY, HERALD_API_KEYS) is set: every route is open to anyone who can reach this port (project keys are still honoured)');
  }
  return app;
}
