import type { Request } from 'express';
import type { LookupGate } from './callers.service';
import type { Caller } from './domain/caller';

/**
 * The one request a stream token (`?token=`, src/streams) may make: GET of one job's status
 * stream, exactly this spelling (routing is strict and case-sensitive), with no Authorization
 * header. Any other route, method or spelling is for keys alone; a token there is ignored.
 */
const STATUS_STREAM = /^\/api\/v1\/exec\/status\/([^/]+)\/stream$/;

export interface StreamTokenResolver {
  /** The caller a token stands for on the status stream of `jobId`; undefined: no live token for that job. */
  resolve(jobId: string, token: string, gate?: LookupGate): Promise<Caller | undefined>;
}

/** The job and token of a request a stream token may authenticate; undefined for any other request. */
export function streamTokenRequest(req: Request): { jobId: string; token: string } | undefined {
  if (req.method !== 'GET' || req.header('authorization') !== undefined) return undefined;
  const match = STATUS_STREAM.exec(req.path);
  if (!match) return undefined;
  const token = (req.query as Record<string, unknown> | undefined)?.token;
  if (typeof token !== 'string') return undefined;
  try {
    return { jobId: decodeURIComponent(match[1]), token };
  } catch {
    return undefined;
  }
}

type WithTokenJob = Request & { heraldStreamTokenJob?: string };

/** Set by the key middleware on a request it let through by a stream token: the job that token is for. */
export function setStreamTokenJob(req: Request, jobId: string): void {
  (req as WithTokenJob).heraldStreamTokenJob = jobId;
}

/** The job of the stream token the request came with (undefined: it came with a key); the handler refuses any other job. */
export function streamTokenJobOf(req: Request): string | undefined {
  return (req as WithTokenJob).heraldStreamTokenJob;
}
