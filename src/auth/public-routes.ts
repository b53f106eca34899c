import { isDashboardPath } from '../ui/domain/dashboard-paths';

const HOOK_PATH = /^\/api\/v1\/(projects\/[^/]+\/)?hooks\/[^/]+$/;

/**
 * The only requests Herald lets through without a key: the health probes, the JWKS of Herald's
 * webhook signing keys (GET /.well-known/jwks.json and /fal/.well-known/jwks.json: public keys),
 * when enabled the OpenAPI pages, and webhook triggers (POST /api/v1/hooks/{name} and
 * /api/v1/projects/{projectId}/hooks/{name}), which carry their own authentication. GET /metrics
 * is let through to its own guard (src/metrics/http/metrics-access.guard.ts), which takes an
 * admin key or HERALD_METRICS_TOKEN and refuses everything else. With `dashboard` (HERALD_DASHBOARD),
 * GET and HEAD of /ui and of any path below /ui/: the dashboard's static files, which hold no
 * data (src/ui; the API calls the page makes need the key). Everything else needs a key
 * (deny by default).
 *
 * Routing is case-sensitive and strict (see app.factory.ts), so these exact spellings are the
 * only ones that reach those handlers; any other spelling of any path is either 404 or needs
 * a key. The check runs on `req.path` before the body is read; the guard (api-key.guard.ts)
 * then decides again on the handler that actually matched.
 */
export function isPublicRequest(method: string, path: string, docs: boolean, dashboard = false): boolean {
  // A webhook trigger authenticates by its signature when it has a secret, else by the key:
  // TriggersService decides, after reading the (signed) body.
  if (method === 'POST' && HOOK_PATH.test(path)) return true;
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (path === '/health' || path === '/health/live' || path === '/health/ready') return true;
  // Herald's webhook signing keys (public keys only): what receivers verify fal webhooks with.
  if (path === '/.well-known/jwks.json' || path === '/fal/.well-known/jwks.json') return true;
  // Its guard decides: an admin key or the metrics token (which is no API key, so not for this middleware).
  if (path === '/metrics') return true;
  if (dashboard && isDashboardPath(path)) return true;
  if (!docs) return false;
  // The OpenAPI UI's page and its static files (served from swagger-ui-dist, not Nest handlers).
  return path === '/docs' || path === '/docs-json' || path === '/docs-yaml' || path.startsWith('/docs/');
}
