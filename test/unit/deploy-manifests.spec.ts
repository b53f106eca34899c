import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/config';
import { freePort } from '../../src/common/free-port';
import { dockerStages, execForm, type Stage } from '../support/dockerfile';
import { promqlUsage } from '../support/promql-usage';

const ROOT = process.cwd();
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const yamlFile = (file: string) => parse(read(file)) as any;

/** The metrics Herald exposes (docs/METRICS.md): the only names the dashboard may read. */
type Kind = 'counter' | 'gauge' | 'histogram' | 'summary';
const HERALD_METRICS: Record<string, { type: Kind; labels: string[]; fromDatabase?: true }> = {
  herald_http_requests_total: { type: 'counter', labels: ['method', 'route', 'status'] },
  herald_http_request_duration_seconds: { type: 'histogram', labels: ['method', 'route'] },
  herald_events_appended_total: { type: 'counter', labels: ['type'] },
  herald_jobs: { type: 'gauge', labels: ['status'], fromDatabase: true },
  herald_tasks: { type: 'gauge', labels: ['state'], fromDatabase: true },
  herald_fanout_total: { type: 'counter', labels: ['path'] },
  herald_deliveries_total: { type: 'counter', labels: ['outcome', 'status_class'] },
  herald_delivery_attempt_duration_seconds: { type: 'histogram', labels: ['status_class'] },
  herald_delivery_send_lag_seconds: { type: 'histogram', labels: ['attempt'] },
  herald_queue_depth: { type: 'gauge', labels: ['queue'], fromDatabase: true },
  herald_queue_oldest_pending_seconds: { type: 'gauge', labels: ['queue'], fromDatabase: true },
  herald_endpoint_messages_waiting: { type: 'gauge', labels: ['endpoint'], fromDatabase: true },
  herald_messages_waiting: { type: 'gauge', labels: [], fromDatabase: true },
  herald_endpoints_backlogged: { type: 'gauge', labels: [], fromDatabase: true },
  herald_messages_oldest_waiting_seconds: { type: 'gauge', labels: [], fromDatabase: true },
  herald_stage_calls_total: { type: 'counter', labels: ['phase', 'outcome', 'status_class'] },
  herald_stage_call_duration_seconds: { type: 'histogram', labels: ['phase'] },
  herald_channel_tests_total: { type: 'counter', labels: ['outcome', 'status_class'] },
  herald_subscriptions_disabled: { type: 'gauge', labels: [], fromDatabase: true },
  herald_db_pool_connections: { type: 'gauge', labels: ['state'] },
  herald_retention_rows_removed_total: { type: 'counter', labels: ['table'] },
};
/** Labels Prometheus adds to every series it scrapes. */
const TARGET_LABELS = ['instance', 'job'];
const HISTOGRAM_SERIES = /^(.*)_(bucket|sum|count)$/;

/** src/… for a dist/src/….js path of the build. */
const sourceOf = (built: string) => built.replace(/^dist\//, '').replace(/\.js$/, '.ts');

/** Runs a healthcheck's exec form with PORT set; resolves to its exit code. */
function runCheck(command: string[], port: number): Promise<number | null> {
  const [bin, ...args] = command;
  expect(bin).toBe('node');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
    child.on('close', (code) => resolve(code));
  });
}

describe('deployment files', () => {
  describe('Dockerfile and .dockerignore', () => {
    const stages = dockerStages(read('Dockerfile'));
    const runtime = stages.at(-1)!;
    const ops = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op).map((i) => i.args);

    it('builds in one stage and runs the build output with production dependencies only', () => {
      expect(stages.length).toBeGreaterThanOrEqual(2);
      const build = stages.find((s) => ops(s, 'RUN').some((r) => r.includes('npm run build')))!;
      expect(ops(build, 'RUN').join('\n')).toMatch(/npm ci\b(?!.*--omit=dev)/);
      const copies = ops(runtime, 'COPY');
      const modules = copies.find((c) => / \.\/node_modules$/.test(c))!;
      const depsStage = stages.find((s) => s.name === /--from=(\S+)/.exec(modules)![1])!;
      expect(ops(depsStage, 'RUN').join('\n')).toMatch(/npm ci .*--omit=dev/);
      // The build sees every folder tsconfig.build.json compiles, and the dashboard's sources (npm run build:ui).
      const built = ops(build, 'COPY').map((c) => c.split(/\s+/)[0]);
      for (const dir of [...(JSON.parse(read('tsconfig.build.json')).include as string[]), 'ui']) expect([dir, built.includes(dir)]).toEqual([dir, true]);
      // The runtime gets what the server reads: its code, the migrations, the dashboard's bundle (src/ui/dashboard-bundle.ts).
      for (const dir of ['dist/src', 'dist/migrations', 'dist/ui']) expect(copies).toContain(`--from=${build.name} /app/${dir} ./${dir}`);
      expect(ops(runtime, 'RUN')).toEqual([]);
      const cmd = execForm(ops(runtime, 'CMD')[0]);
      expect(cmd).toEqual(['node', 'dist/src/main.js']);
      expect(existsSync(join(ROOT, sourceOf(cmd[1])))).toBe(true);
    });

    it('runs as a non-root user, with NODE_ENV=production, and exposes the port it checks', () => {
      const user = ops(runtime, 'USER').at(-1)!;
      expect(user).toMatch(/^[1-9]\d*(:\d+)?$/); // numeric: Kubernetes' runAsNonRoot can verify it
      expect(ops(runtime, 'ENV').join(' ')).toMatch(/\bNODE_ENV=production\b/);
      expect(ops(runtime, 'ENV').join(' ')).toMatch(/\bPORT=3000\b/);
      expect(ops(runtime, 'EXPOSE')).toEqual(['3000']);
      expect(ops(runtime, 'HEALTHCHECK')[0]).toContain('/health/ready');
    });

    it('its healthcheck, and compose\'s, exit 0 while Herald is ready and 1 when not ready or down', async () => {
      const image = execForm(ops(runtime, 'HEALTHCHECK')[0]);
      const compose = yamlFile('docker-compose.yml').services.herald.healthcheck.test as string[];
      expect(compose[0]).toBe('CMD');
      let ready = true;
      const seen: string[] = [];
      const server = createServer((req, res) => {
        seen.push(req.url!);
        res.writeHead(req.url === '/health/ready' && ready ? 200 : 503).end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const port = (server.address() as { port: number }).port;
      try {
        for (const command of [image, compose.slice(1)]) {
          ready = true;
          expect(await runCheck(command, port)).toBe(0);
          ready = false;
          expect(await runCheck(command, port)).toBe(1);
        }
      } finally {
        await new Promise((r) => server.close(r));
      }
      expect(new Set(seen)).toEqual(new Set(['/health/ready']));
      expect(await runCheck(image, await freePort())).toBe(1);
    });

    it('.dockerignore keeps installed modules, builds, the embedded database and test output out', () => {
      const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
      for (const entry of ['node_modules', 'dist', '.herald', 'coverage', '.git']) expect(ignored).toContain(entry);
    });
  });

  describe('docker-compose.yml', () => {
    const compose = yamlFile('docker-compose.yml');
    const { postgres, migrate, herald, proxy } = compose.services;

    it('PostgreSQL 15 or newer, its data on a named volume, with a healthcheck', () => {
      expect(Number(/^postgres:(\d+)/.exec(postgres.image)![1])).toBeGreaterThanOrEqual(15);
      const [volume, path] = (postgres.volumes as string[])[0].split(':');
      expect(path).toBe('/var/lib/postgresql/data');
      expect(Object.keys(compose.volumes)).toContain(volume);
      expect(postgres.healthcheck.test.join(' ')).toContain('pg_isready');
    });

    it('two Herald replicas in production mode, the admin key required, started once PostgreSQL is healthy', () => {
      expect(herald.deploy.replicas).toBe(2);
      expect(herald.environment.NODE_ENV).toBe('production');
      expect(herald.environment.HERALD_ADMIN_KEY).toMatch(/^\$\{HERALD_ADMIN_KEY:\?.+\}$/);
      expect(herald.environment.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(herald.depends_on.postgres.condition).toBe('service_healthy');
      expect(herald.healthcheck.test.join(' ')).toContain('/health/ready');
      expect(herald.ports).toBeUndefined(); // replicas publish nothing: the proxy is the way in
      expect(herald.container_name).toBeUndefined();
    });

    it('a one-shot migrate service, on Herald\'s image, runs a command of the sources before the replicas start', () => {
      expect(migrate.image).toBe(herald.image);
      expect(migrate.command[0]).toBe('node');
      expect(existsSync(join(ROOT, sourceOf(migrate.command[1])))).toBe(true);
      expect(migrate.environment.DATABASE_URL).toBe(herald.environment.DATABASE_URL);
      expect(migrate.depends_on.postgres.condition).toBe('service_healthy');
      expect(herald.depends_on.migrate.condition).toBe('service_completed_successfully');
      expect(migrate.restart).toBe('no');
    });

    it('the proxy publishes one port and sends to every replica, only while it is ready', () => {
      expect(proxy.depends_on.herald.condition).toBe('service_healthy');
      expect(proxy.ports).toEqual([expect.stringMatching(/:3000$/)]);
      const mount = (proxy.volumes as string[]).find((v) => v.includes('haproxy.cfg'))!;
      const cfg = read(mount.split(':')[0]).split('\n').map((l) => l.trim());
      expect(cfg).toContain('http-check send meth GET uri /health/ready');
      expect(cfg).toContain('http-check expect status 200');
      const template = cfg.find((l) => l.startsWith('server-template '))!.split(/\s+/);
      expect(Number(template[2])).toBe(herald.deploy.replicas);
      expect(template[3]).toBe(`herald:${herald.environment.PORT}`);
    });
  });

  describe('Kubernetes manifests (deploy/k8s)', () => {
    const deployment = yamlFile('deploy/k8s/deployment.yaml');
    const service = yamlFile('deploy/k8s/service.yaml');
    const secret = yamlFile('deploy/k8s/secret.example.yaml');
    const job = yamlFile('deploy/k8s/migrate-job.yaml');
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    /** A container's environment as Herald would see it, secrets taken from the example Secret. */
    const envOf = (c: any): Record<string, string> =>
      Object.fromEntries(c.env.map((e: any) => [e.name, e.valueFrom ? secret.stringData[e.valueFrom.secretKeyRef.key] : e.value]));

    it('are valid objects of their kinds (the Kubernetes API schema)', () => {
      expect(() => new Deployment(deployment).validate()).not.toThrow();
      expect(() => new Service(service).validate()).not.toThrow();
      expect(() => new Secret(secret).validate()).not.toThrow();
      expect(() => new Job(job).validate()).not.toThrow();
    });

    it('the Deployment: 2 replicas, live and ready probes, resources, non-root on a read-only root', () => {
      expect(deployment.spec.replicas).toBe(2);
      expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
      expect(container.startupProbe.httpGet.path).toBe('/health/live');
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      const ports = container.ports.map((p: any) => p.name);
      for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) expect(ports).toContain(probe.httpGet.port);
      for (const r of ['requests', 'limits']) expect(Object.keys(container.resources[r]).sort()).toEqual(['cpu', 'memory']);
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(envOf(container).HERALD_SHUTDOWN_GRACE_MS));
    });

    it('the pods\' environment is a valid Herald configuration: production, no migrations at start, keys from the Secret', () => {
      const env = envOf(container);
      expect(env.NODE_ENV).toBe('production');
      const config = loadConfig(env);
      expect(config).toMatchObject({ migrate: false, host: '0.0.0.0', port: 3000, databaseUrl: secret.stringData.DATABASE_URL, adminKey: secret.stringData.HERALD_ADMIN_KEY });
      expect(config.egress.allowLoopback).toBe(false);
      expect(Number(container.ports[0].containerPort)).toBe(config.port);
      const required = container.env.filter((e: any) => e.valueFrom && !e.valueFrom.secretKeyRef.optional).map((e: any) => e.valueFrom.secretKeyRef);
      expect(required.map((r: any) => r.key).sort()).toEqual(['DATABASE_URL', 'HERALD_ADMIN_KEY']);
      for (const ref of required) expect(ref.name).toBe(secret.metadata.name);
    });

    it('the Service selects the Deployment\'s pods and targets their named port', () => {
      expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
      expect(container.ports.map((p: any) => p.name)).toContain(service.spec.ports[0].targetPort);
    });

    it('the migration Job runs a command that exists in the sources, on the Deployment\'s image, as non-root', () => {
      const [migrate] = job.spec.template.spec.containers;
      expect(migrate.command[0]).toBe('node');
      expect(migrate.command[1]).toMatch(/^dist\/src\/.+\.js$/);
      expect(existsSync(join(ROOT, sourceOf(migrate.command[1])))).toBe(true);
      expect(migrate.image).toBe(container.image);
      expect(job.spec.template.spec.restartPolicy).toBe('Never');
      expect(job.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      expect(migrate.securityContext.readOnlyRootFilesystem).toBe(true);
      expect(loadConfig(envOf(migrate)).databaseUrl).toBe(secret.stringData.DATABASE_URL);
    });

    it('the kustomization lists files that exist and the Deployment\'s image', () => {
      const k = yamlFile('deploy/k8s/kustomization.yaml');
      for (const r of k.resources as string[]) expect(existsSync(join(ROOT, 'deploy/k8s', r))).toBe(true);
      expect(container.image).toBe(`${k.images[0].name}:${k.images[0].newTag}`);
    });
  });

  describe('Grafana dashboard (deploy/grafana/herald-dashboard.json)', () => {
    const dashboard = JSON.parse(read('deploy/grafana/herald-dashboard.json'));
    const panels: any[] = dashboard.panels.flatMap((p: any) => (p.type === 'row' ? (p.panels ?? []) : [p]));
    const targets = panels.flatMap((p) => p.targets.map((t: any) => ({ panel: p.title as string, ...t })));

    it('reads Prometheus through a datasource variable, in every panel and query', () => {
      const variable = dashboard.templating.list.find((v: any) => v.type === 'datasource');
      expect(variable).toMatchObject({ query: 'prometheus' });
      const ref = { type: 'prometheus', uid: `\${${variable.name}}` };
      for (const p of panels) expect([p.title, p.datasource]).toEqual([p.title, ref]);
      for (const t of targets) expect([t.panel, t.datasource]).toEqual([t.panel, ref]);
      expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    });

    it('every query is valid PromQL on the metric table\'s names and labels, each as its type allows', async () => {
      const registry = new Registry();
      collectDefaultMetrics({ register: registry });
      const defaults = Object.fromEntries((await registry.getMetricsAsJSON()).map((m) => [m.name, { type: String(m.type) as Kind, labels: [] as string[] }]));
      const known = { ...defaults, ...HERALD_METRICS };
      for (const t of targets) {
        const usage = promqlUsage(t.expr);
        const where = `${t.panel}: ${t.expr}`;
        expect([where, usage.errors]).toEqual([where, []]);
        const labels = new Set(TARGET_LABELS);
        for (const s of usage.selectors) {
          const [, base, series] = HISTOGRAM_SERIES.exec(s.metric) ?? [];
          const name = known[s.metric] ? s.metric : base;
          const metric = known[name];
          expect([where, s.metric, metric !== undefined]).toEqual([where, s.metric, true]);
          if (metric.type === 'histogram') expect([where, s.metric, ['bucket', 'sum', 'count'].includes(series)]).toEqual([where, s.metric, true]);
          else expect([where, s.metric]).toEqual([where, name]);
          expect([where, s.metric, s.inRate]).toEqual([where, s.metric, metric.type === 'counter' || metric.type === 'histogram']);
          for (const l of metric.labels) labels.add(l);
          if (series === 'bucket') labels.add('le');
          for (const m of s.matchers) expect([where, m, labels.has(m)]).toEqual([where, m, true]);
        }
        for (const l of usage.groupedBy) expect([where, l, labels.has(l)]).toEqual([where, l, true]);
        for (const [, l] of String(t.legendFormat).matchAll(/\{\{\s*(\w+)\s*\}\}/g)) expect([where, l, labels.has(l)]).toEqual([where, l, true]);
      }
    });

    it('shows every metric of the table, with send lag p99 as the first panel', () => {
      const used = new Set(targets.flatMap((t) => promqlUsage(t.expr).selectors.map((s) => s.metric.replace(HISTOGRAM_SERIES, '$1'))));
      for (const name of Object.keys(HERALD_METRICS)) expect([name, used.has(name)]).toEqual([name, true]);
      for (const prefix of ['process_', 'nodejs_']) expect([...used].some((n) => n.startsWith(prefix))).toBe(true);
      const [headline] = panels;
      expect(headline.title).toMatch(/send lag p99/i);
      expect(headline.targets[0].expr).toMatch(/^histogram_quantile\(0\.99, .*herald_delivery_send_lag_seconds_bucket/);
    });

    it('never sums a gauge read from the database (every instance reports the same value)', () => {
      for (const t of targets) {
        for (const s of promqlUsage(t.expr).selectors) {
          if (!HERALD_METRICS[s.metric]?.fromDatabase) continue;
          expect([t.expr, s.aggregations[0]]).toEqual([t.expr, 'max']);
        }
      }
    });
  });
});
