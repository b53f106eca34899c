const HOOK_PATH = /^\/api\/v1\/(projects\/[^/]+\/)?hooks\/[^/]+$/;

/**
 * The only requests Herald lets through without a key: the health probes, when enabled the
 * OpenAPI pages, and webhook triggers (POST /api/v1/hooks/{name} and
 * /api/v1/projects/{projectId}/hooks/{name}), which carry their own authentication. Everything
 * else needs a key (deny by default).
 *
 * Routing is case-sensitive and strict (see app.factory.ts), so these exact spellings are the
 * only ones that reach those handlers; any other spelling of any path is either 404 or needs
 * a key. The check runs on `req.path` before the body is read; the guard (api-key.guard.ts)
 * then decides again on the handler that actually matched.
 */
export function isPublicRequest(method: string, path: string, docs: boolean): boolean {
  // A webhook trigger authenticates by its signature when it has a secret, else by the key:
  // TriggersService decides, after reading the (signed) body.
  if (method === 'POST' && HOOK_PATH.test(path)) return true;
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (path === '/health' || path === '/health/live' || path === '/health/ready') return true;
  if (!docs) return false;
  // The OpenAPI UI's page and its static files (served from swagger-ui-dist, not Nest handlers).
  return path === '/docs' || path === '/docs-json' || path === '/docs-yaml' || path.startsWith('/docs/');
}
