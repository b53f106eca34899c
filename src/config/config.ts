import { isIP } from 'node:net';
import { formatOf, levelOf, LEVEL_NAMES, LOG_FORMATS, type HeraldLogLevel, type LogFormatSetting } from '../logging/log-settings';
import { DEFAULT_SCHEDULE, parseSchedule } from '../webhooks/domain/retry-schedule';
import { EgressPolicyError, parseEgressPolicy, type EgressPolicy } from '../webhooks/domain/egress-policy';
import { parseTrustProxy, TrustProxyError, type TrustProxy } from './trust-proxy';
/**
 * Herald's configuration: read once from the environment at boot, validated, and
 * handed around as one typed object. A bad value stops start-up with a readable message.
 */
export interface HeraldConfig {
  /** External PostgreSQL; when absent Herald runs an embedded server under dataDir. */
  databaseUrl?: string;
  /**
   * Run pending migrations at start-up, under an advisory lock (HERALD_MIGRATE, default on). Off:
   * the migration command (dist/src/cli/migrate.js, a Kubernetes Job) does it, and start-up
   * fails while the database lacks any of this build's migrations.
   */
  migrate: boolean;
  port: number;
  /**
   * Address the HTTP server binds: HERALD_HOST, else 127.0.0.1 while the API is open (no admin
   * key: neither HERALD_ADMIN_KEY nor HERALD_API_KEYS) and 0.0.0.0 (every interface) once one is set.
   */
  host: string;
  /** Proxies that may name the caller's address by X-Forwarded-For (HERALD_TRUST_PROXY; trust-proxy.ts): none by default. */
  trustProxy: TrustProxy;
  /** Most detailed level logged (HERALD_LOG_LEVEL, pino's names or Nest's; Nest's route and module lines are at debug). */
  logLevel: HeraldLogLevel;
  /** How lines are written (HERALD_LOG_FORMAT): json, pretty, or auto (pretty when stdout is a terminal). */
  logFormat: LogFormatSetting;
  /** Folder for the embedded PostgreSQL's data (kept across restarts). */
  dataDir: string;
  embeddedPgPort: number;
  /**
   * Admin keys (HERALD_API_KEYS, kept from before project keys; HERALD_ADMIN_KEY is one more):
   * every route, every project. With neither, the API is open (project keys are still honoured).
   */
  apiKeys: string[];
  /** HERALD_ADMIN_KEY: creates project keys, reads everything. */
  adminKey?: string;
  /**
   * HERALD_METRICS_TOKEN: a bearer token that reads GET /metrics and nothing else (for a
   * Prometheus scraper, so that it needs no admin key). Admin keys read /metrics too.
   */
  metricsToken?: string;
  /** Endpoints listed one by one in the webhook backlog of GET /metrics, the largest (HERALD_METRICS_TOP_ENDPOINTS; the others count in the totals). */
  metricsTopEndpoints: number;
  /** How long an instance trusts its lookup of a project key (found or not): the revocation delay on other instances. */
  keyCacheMs: number;
  /** Serve the OpenAPI UI at /docs and the document at /docs-json (HERALD_DOCS=false: off). */
  docs: boolean;
  /** Serve the web dashboard at /ui (docs/DASHBOARD.md; HERALD_DASHBOARD=false: off, /ui needs a key like any other path). */
  dashboard: boolean;
  /** How often each instance looks for expired leases and ttl-expired jobs. */
  sweepIntervalMs: number;
  /** Largest JSON body accepted on /api routes. */
  bodyLimit: string;
  poolSize: number;
  /** Base URL of this Herald, for links in notification bodies. */
  publicUrl: string;
  webhooks: WebhookConfig;
  /** How often each instance looks for webhook stage calls and polls that are due. */
  stagePollMs: number;
  /** Which addresses outbound requests may go to (HERALD_EGRESS, HERALD_ALLOWED_TARGETS). */
  egress: EgressPolicy;
  /**
   * Status streams (server-sent events): a watched request is re-read every `pollMs` (commits of
   * this instance wake its watchers at once; this catches other instances' commits), and an idle
   * stream gets a comment every `keepAliveMs`.
   */
  streams: { pollMs: number; keepAliveMs: number };
  /**
   * On SIGTERM: how long attempts and stage calls in flight may finish before they are aborted
   * (recorded as failed with SHUTDOWN and retried), so an instance stops within about this long.
   */
  shutdownGraceMs: number;
  /**
   * Each project's default limits (an admin overrides them per project: PUT
   * /api/v1/projects/{id}/limits); 0 is no limit. Requests per second are shared out among the
   * live instances; jobs in flight are the project's unfinished jobs and queue requests;
   * subscriptions are its project and batch webhooks and channels.
   */
  limits: { requestsPerSecond: number; maxJobsInFlight: number; maxSubscriptions: number };
  /** OpenTelemetry traces (docs/TRACING.md): off unless an OTLP endpoint is set. */
  tracing: TracingConfig;
  /** Retention of delivered webhook messages and their attempts (docs/RETENTION.md). */
  retention: RetentionConfig;
}

export interface RetentionConfig {
  /**
   * HERALD_RETENTION_DAYS: messages in a final state (delivered, failed, superseded, cancelled)
   * for longer than this are removed with their attempts, and older attempts of final messages
   * too. Undefined (unset): everything is kept. Events are never removed.
   */
  days?: number;
  /** HERALD_RETENTION_INTERVAL_MS: how often retention runs (on one instance at a time). */
  intervalMs: number;
  /** Rows removed per statement. */
  batchSize: number;
  /** A run stops sending batches after this long; the next run goes on. */
  runBudgetMs: number;
}

/**
 * What Herald reads of the OTEL_* variables; the OpenTelemetry SDK reads the others itself
 * (exporter headers, timeout and compression, sampler, span limits, resource attributes, batch sizes).
 */
export interface TracingConfig {
  /**
   * Where spans are posted (OTLP over HTTP, JSON): OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given,
   * else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. Undefined: tracing is off (no exporter, no
   * spans, no traceparent header on webhooks).
   */
  tracesUrl?: string;
  /** OTEL_SERVICE_NAME: the service.name of Herald's spans. */
  serviceName: string;
  /** OTEL_BSP_SCHEDULE_DELAY: the longest a finished span waits before it is exported, in a batch. */
  exportDelayMs: number;
}

export interface WebhookConfig {
  /** Run fan-out and delivery workers in this instance (off: API-only instance). */
  workers: boolean;
  /**
   * The fast paths from a commit to its webhook in the committing instance: fan-out chained
   * behind the COMMIT or run right after it, and deliveries handed to this instance's delivery
   * worker in the fan-out's transaction. Off: every fan-out and delivery goes through the
   * queues (slower by a round trip or a wake-up each; the same guarantees).
   */
  fastPaths: boolean;
  /** Delay in seconds before each attempt (the first is normally 0). */
  retrySchedule: number[];
  timeoutMs: number;
  /** Requests in flight per instance, and per endpoint (origin). */
  maxInFlight: number;
  perEndpoint: number;
  /** Fallback polling of the queues when no wake-up arrives. */
  pollMs: number;
  /** At most one cross-instance NOTIFY per queue per this many ms. */
  notifyCoalesceMs: number;
  /** A progress message waiting longer than this gives way to a newer one (superseded). */
  staleMs: number;
  /**
   * A subscription whose every attempt has failed for this many days is disabled (a
   * subscription.disabled notice; POST /api/v1/subscriptions/{id}/enable turns it on again).
   * HERALD_WEBHOOK_DISABLE_AFTER_DAYS, default 5; 0: never.
   */
  disableAfterDays: number;
  /**
   * A delivery taken by an instance that then died is taken over by another one after this
   * long (fan-out jobs after at most 120 s). It must outlast the longest wait for an endpoint.
   */
  claimExpirySeconds: number;
  /** How often pg-boss maintenance runs: expires such claims, archives completed queue jobs. */
  maintenanceSeconds: number;
  /**
   * Each instance refreshes its heartbeat (herald_instances) every `heartbeatMs`; an instance
   * silent for `takeoverMs` is dead, and the first live instance to see it releases the queue
   * jobs it held (a kill -9: its deliveries are attempted again within about takeoverMs +
   * heartbeatMs, not after the claim expiry).
   */
  heartbeatMs: number;
  takeoverMs: number;
  /**
   * An endpoint's circuit opens after this many consecutive failed attempts (timeouts,
   * connection errors, 5xx, 429): no attempt for `openSeconds`, then one probe; each failed
   * probe doubles the pause, up to `openMaxSeconds`.
   */
  circuit: { openAfter: number; openSeconds: number; openMaxSeconds: number };
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function egress(env: NodeJS.ProcessEnv): EgressPolicy {
  try {
    return parseEgressPolicy({ egress: env.HERALD_EGRESS, allowedTargets: env.HERALD_ALLOWED_TARGETS, nodeEnv: env.NODE_ENV });
  } catch (err) {
    if (err instanceof EgressPolicyError) throw new ConfigError(err.message);
    throw err;
  }
}

function schedule(raw: string | undefined): number[] {
  if (!raw) return DEFAULT_SCHEDULE;
  try {
    return parseSchedule(raw);
  } catch (err) {
    throw new ConfigError(`HERALD_WEBHOOK_RETRY_SCHEDULE: ${(err as Error).message}`);
  }
}

function logLevel(raw: string | undefined): HeraldLogLevel {
  if (!raw?.trim()) return 'info';
  const level = levelOf(raw);
  if (!level) throw new ConfigError(`HERALD_LOG_LEVEL must be one of ${LEVEL_NAMES.join(', ')}, got "${raw}"`);
  return level;
}

function logFormat(raw: string | undefined): LogFormatSetting {
  if (!raw?.trim()) return 'auto';
  const format = formatOf(raw);
  if (!format) throw new ConfigError(`HERALD_LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got "${raw}"`);
  return format;
}

function host(raw: string | undefined, adminKeys: number): string {
  const value = raw?.trim();
  if (!value) return adminKeys > 0 ? '0.0.0.0' : '127.0.0.1';
  const hostname = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
  if (isIP(value) === 0 && !hostname.test(value)) {
    throw new ConfigError(`HERALD_HOST must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name, got "${raw}"`);
  }
  return value;
}

function trustProxy(raw: string | undefined): TrustProxy {
  try {
    return parseTrustProxy(raw);
  } catch (err) {
    if (err instanceof TrustProxyError) throw new ConfigError(err.message);
    throw err;
  }
}

function tracing(env: NodeJS.ProcessEnv): TracingConfig {
  const off: TracingConfig = { serviceName: env.OTEL_SERVICE_NAME?.trim() || 'herald', exportDelayMs: int(env, 'OTEL_BSP_SCHEDULE_DELAY', 5000, 1, 3_600_000) };
  if (bool(env, 'OTEL_SDK_DISABLED', false)) return off;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return off;
  if (exporter && exporter !== 'otlp') throw new ConfigError(`OTEL_TRACES_EXPORTER must be otlp or none (Herald exports traces over OTLP/HTTP), got "${env.OTEL_TRACES_EXPORTER}"`);
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!specific && !base) return off;
  const protocolVar = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = env[protocolVar]?.trim();
  if (protocol && protocol !== 'http/json') throw new ConfigError(`${protocolVar} must be http/json (Herald exports traces as OTLP/HTTP JSON), got "${protocol}"`);
  const name = specific ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const raw = specific || `${base!.replace(/\/+$/, '')}/v1/traces`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http:// or https:// URL, got "${env[name]}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an http:// or https:// URL, got "${env[name]}"`);
  return { ...off, tracesUrl: url.href };
}

function retentionDays(raw: string | undefined): { days?: number } {
  const value = raw?.trim();
  if (!value) return {};
  const days = Number(value);
  if (!Number.isFinite(days) || days <= 0 || days > 36_500) throw new ConfigError(`HERALD_RETENTION_DAYS must be a number of days greater than 0 (at most 36500), or unset to keep everything, got "${raw}"`);
  return { days };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HeraldConfig {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const apiKeys = (env.HERALD_API_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  const adminKey = env.HERALD_ADMIN_KEY?.trim() || undefined;
  if (adminKey !== undefined && adminKey.length < 16) throw new ConfigError('HERALD_ADMIN_KEY must be at least 16 characters long');
  if (adminKey?.startsWith('hk_') || apiKeys.some((k) => k.startsWith('hk_'))) {
    throw new ConfigError('admin keys (HERALD_ADMIN_KEY, HERALD_API_KEYS) must not start with hk_, the prefix of project keys');
  }
  const metricsToken = env.HERALD_METRICS_TOKEN?.trim() || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) throw new ConfigError('HERALD_METRICS_TOKEN must be at least 16 characters long');
  if (metricsToken?.startsWith('hk_')) throw new ConfigError('HERALD_METRICS_TOKEN must not start with hk_, the prefix of project keys');
  const heartbeatMs = int(env, 'HERALD_INSTANCE_HEARTBEAT_MS', 2000, 10, 60_000);
  const takeoverMs = int(env, 'HERALD_TAKEOVER_AFTER_MS', 10_000, 50, 3_600_000);
  if (takeoverMs < 3 * heartbeatMs) throw new ConfigError('HERALD_TAKEOVER_AFTER_MS must be at least 3 x HERALD_INSTANCE_HEARTBEAT_MS (a live instance would be taken for dead)');
  return {
    databaseUrl,
    port: int(env, 'PORT', 3000, 0, 65535),
    host: host(env.HERALD_HOST, apiKeys.length + (adminKey ? 1 : 0)),
    trustProxy: trustProxy(env.HERALD_TRUST_PROXY),
    logLevel: logLevel(env.HERALD_LOG_LEVEL),
    logFormat: logFormat(env.HERALD_LOG_FORMAT),
    dataDir: env.HERALD_DATA_DIR?.trim() || '.herald',
    embeddedPgPort: int(env, 'HERALD_EMBEDDED_PG_PORT', 54329, 1, 65535),
    migrate: bool(env, 'HERALD_MIGRATE', true),
    apiKeys,
    ...(adminKey ? { adminKey } : {}),
    ...(metricsToken ? { metricsToken } : {}),
    metricsTopEndpoints: int(env, 'HERALD_METRICS_TOP_ENDPOINTS', 50, 1, 1000),
    keyCacheMs: int(env, 'HERALD_KEY_CACHE_MS', 2000, 0, 60_000),
    docs: bool(env, 'HERALD_DOCS', true),
    dashboard: bool(env, 'HERALD_DASHBOARD', true),
    sweepIntervalMs: int(env, 'HERALD_SWEEP_INTERVAL_MS', 1000, 10, 3_600_000),
    bodyLimit: env.HERALD_BODY_LIMIT?.trim() || '16mb',
    poolSize: int(env, 'HERALD_DB_POOL_SIZE', 20, 2, 500),
    publicUrl: (env.HERALD_PUBLIC_URL?.trim() || `http://localhost:${int(env, 'PORT', 3000, 0, 65535)}`).replace(/\/+$/, ''),
    stagePollMs: int(env, 'HERALD_STAGE_POLL_MS', 250, 10, 60_000),
    egress: egress(env),
    shutdownGraceMs: int(env, 'HERALD_SHUTDOWN_GRACE_MS', 7000, 0, 600_000),
    tracing: tracing(env),
    retention: { ...retentionDays(env.HERALD_RETENTION_DAYS), intervalMs: int(env, 'HERALD_RETENTION_INTERVAL_MS', 600_000, 1000, 86_400_000), batchSize: 5000, runBudgetMs: 60_000 },
    limits: {
      requestsPerSecond: int(env, 'HERALD_PROJECT_RATE_LIMIT', 1000, 0, 1_000_000),
      maxJobsInFlight: int(env, 'HERALD_PROJECT_MAX_JOBS_IN_FLIGHT', 100_000, 0, 100_000_000),
      maxSubscriptions: int(env, 'HERALD_PROJECT_MAX_SUBSCRIPTIONS', 1000, 0, 1_000_000),
    },
    streams: { pollMs: int(env, 'HERALD_STREAM_POLL_MS', 500, 10, 60_000), keepAliveMs: int(env, 'HERALD_STREAM_KEEPALIVE_MS', 15_000, 10, 600_000) },
    webhooks: {
      workers: bool(env, 'HERALD_DELIVERY_WORKERS', true),
      fastPaths: bool(env, 'HERALD_WEBHOOK_FAST_PATHS', true),
      retrySchedule: schedule(env.HERALD_WEBHOOK_RETRY_SCHEDULE),
      timeoutMs: int(env, 'HERALD_WEBHOOK_TIMEOUT_MS', 15_000, 100, 300_000),
      maxInFlight: int(env, 'HERALD_WEBHOOK_MAX_IN_FLIGHT', 256, 1, 10_000),
      perEndpoint: int(env, 'HERALD_WEBHOOK_PER_ENDPOINT', 32, 1, 1000),
      pollMs: int(env, 'HERALD_QUEUE_POLL_MS', 500, 10, 60_000),
      notifyCoalesceMs: int(env, 'HERALD_NOTIFY_COALESCE_MS', 20, 0, 10_000),
      staleMs: int(env, 'HERALD_WEBHOOK_STALE_MS', 1000, 0, 3_600_000),
      disableAfterDays: int(env, 'HERALD_WEBHOOK_DISABLE_AFTER_DAYS', 5, 0, 3650),
      claimExpirySeconds: int(env, 'HERALD_WEBHOOK_CLAIM_EXPIRY_SECONDS', 300, 2, 86_400),
      maintenanceSeconds: int(env, 'HERALD_QUEUE_MAINTENANCE_SECONDS', 30, 1, 3600),
      heartbeatMs,
      takeoverMs,
      circuit: {
        openAfter: int(env, 'HERALD_ENDPOINT_OPEN_AFTER', 10, 1, 100_000),
        openSeconds: int(env, 'HERALD_ENDPOINT_OPEN_SECONDS', 30, 1, 86_400),
        openMaxSeconds: int(env, 'HERALD_ENDPOINT_OPEN_MAX_SECONDS', 600, 1, 86_400),
      },
    },
  };
}

export const HERALD_CONFIG = Symbol('HERALD_CONFIG');

/** For entry points: the configuration, or a readable message and exit code 1. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): HeraldConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`Herald: bad configuration: ${err.message}`);
    process.exit(1);
  }
}
