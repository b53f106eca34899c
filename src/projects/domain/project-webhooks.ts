import { ValidationError } from '../../common/domain-error';
import { GROUP_ID_RULE, isGroupId, isHttpUrl } from '../../jobs/domain/pipeline.validate';
import { ROUTABLE_EVENTS, type RoutableEvent } from '../../webhooks/domain/subscription.types';
import { maskValue } from '../../webhooks/subscriptions.service';

type Problem = { path: string; message: string };

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('the request body must be a JSON object', [{ path: '', message: 'must be an object' }]);
  }
  return body as Record<string, unknown>;
}

function fail(what: string, problems: Problem[]): void {
  if (problems.length) throw new ValidationError(`invalid ${what}: ${problems[0].path} ${problems[0].message}`, problems);
}

function unknownKeys(b: Record<string, unknown>, allowed: string[], problems: Problem[]): void {
  for (const k of Object.keys(b)) if (!allowed.includes(k)) problems.push({ path: k, message: 'is not a known field' });
}

export function assertGroupId(value: string, path: 'projectId' | 'batchId'): void {
  if (!isGroupId(value)) throw new ValidationError(`invalid ${path}: ${GROUP_ID_RULE}`, [{ path, message: GROUP_ID_RULE }]);
}

/** Seed 003: `{ url, header? }`; url must be http(s); header is sent as Authorization. */
export function parseProjectWebhook(body: unknown): { url: string; header: string | null } {
  const b = object(body);
  const problems: Problem[] = [];
  unknownKeys(b, ['url', 'header'], problems);
  if (!isHttpUrl(b.url)) problems.push({ path: 'url', message: 'must be an http or https URL' });
  if (b.header !== undefined && b.header !== null && (typeof b.header !== 'string' || b.header.length > 4096 || /[\r\n]/.test(b.header))) {
    problems.push({ path: 'header', message: 'must be a single-line string of at most 4096 characters' });
  }
  fail('webhook', problems);
  return { url: b.url as string, header: (b.header as string | undefined) ?? null };
}

/** Shows only the last 4 characters of a secret header. */
export function mask(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : maskValue(value);
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

function headersOf(raw: unknown, problems: Problem[]): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.values(raw).some((v) => typeof v !== 'string' || /[\r\n]/.test(v))) {
    problems.push({ path: 'headers', message: 'must be an object of single-line string values' });
    return undefined;
  }
  for (const name of Object.keys(raw)) if (!HEADER_NAME.test(name)) problems.push({ path: `headers.${name}`, message: 'is not a valid header name' });
  return raw as Record<string, string>;
}

function secretOf(raw: unknown, problems: Problem[]): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(raw) || Buffer.from(raw.slice(6), 'base64').length < 16) {
    problems.push({ path: 'secret', message: 'must be whsec_ followed by at least 16 base64-encoded bytes' });
    return undefined;
  }
  return raw;
}

export interface ChannelInput {
  name?: string;
  url?: string;
  headers?: Record<string, string>;
  secret?: string;
}

/** Seed 002 channels: `{ name, url, headers?, secret? }` (all optional on PATCH). */
export function parseChannel(body: unknown, partial: boolean): ChannelInput {
  const b = object(body);
  const problems: Problem[] = [];
  unknownKeys(b, ['name', 'url', 'headers', 'secret'], problems);
  if ((!partial || b.name !== undefined) && (typeof b.name !== 'string' || b.name.trim().length === 0 || b.name.length > 200)) {
    problems.push({ path: 'name', message: 'is required: 1-200 characters' });
  }
  if ((!partial || b.url !== undefined) && !isHttpUrl(b.url)) problems.push({ path: 'url', message: 'must be an http or https URL' });
  const headers = headersOf(b.headers, problems);
  const secret = secretOf(b.secret, problems);
  fail('channel', problems);
  return {
    ...(b.name !== undefined ? { name: (b.name as string).trim() } : {}),
    ...(b.url !== undefined ? { url: b.url as string } : {}),
    ...(headers ? { headers } : {}),
    ...(secret ? { secret } : {}),
  };
}

export function parseRouting(body: unknown): { event: RoutableEvent; channelId: string } {
  const b = object(body);
  const problems: Problem[] = [];
  unknownKeys(b, ['event', 'channelId'], problems);
  if (!(ROUTABLE_EVENTS as readonly unknown[]).includes(b.event)) problems.push({ path: 'event', message: `must be one of ${ROUTABLE_EVENTS.join(', ')}` });
  if (typeof b.channelId !== 'string' || !UUID.test(b.channelId)) problems.push({ path: 'channelId', message: 'must be the id of a channel of this project' });
  fail('routing', problems);
  return { event: b.event as RoutableEvent, channelId: (b.channelId as string).toLowerCase() };
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
