import type { NextFunction, Request, Response } from 'express';
import { performance } from 'node:perf_hooks';
import { UNMATCHED_ROUTE } from '../domain/metric-labels';
import type { MetricsService } from '../metrics.service';

/**
 * Counts and times every answered request by method, matched route pattern (Express's
 * `req.route.path`, e.g. /api/v1/jobs/:jobId/events: never the raw path, so 100 job ids are one
 * series) and status. Registered first (app.factory.ts), so it also sees what is answered before
 * routing: those have no route and count as `unmatched` (404 of no route, 401 without a key,
 * 413 of the queue body parser). A request whose client went away before the answer is not
 * counted; a status stream counts when it ends.
 */
export function httpMetricsMiddleware(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = performance.now();
    res.once('finish', () => {
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      metrics.httpAnswered(req.method, typeof pattern === 'string' ? pattern : UNMATCHED_ROUTE, res.statusCode, (performance.now() - start) / 1000);
    });
    next();
  };
}
