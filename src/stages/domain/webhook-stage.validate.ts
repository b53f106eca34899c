import { expressionsIn, ExpressionSyntaxError, parseTemplate, referencedNode } from './stage-expression';
import { jsonPathProblem } from './json-path';
import { parseStatusList } from './status-mapping';
import { WEBHOOK_DEFAULTS, WEBHOOK_FIELDS, type StatusUrlResolution, type WebhookStageSpec } from './webhook-stage.types';

type Problem = { path: string; message: string };

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];
const RESOLUTIONS: StatusUrlResolution[] = ['getMethod', 'locationHeader', 'webhookResponse'];
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Template syntax of every string in a value; problems name the field. */
function checkTemplates(value: unknown, path: string, problems: Problem[]): void {
  try {
    expressionsIn(value);
  } catch (err) {
    if (!(err instanceof ExpressionSyntaxError)) throw err;
    problems.push({ path, message: err.message });
  }
}

function checkUrl(raw: unknown, path: string, required: boolean, problems: Problem[]): string | undefined {
  if (raw === undefined && !required) return undefined;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) {
    problems.push({ path, message: 'is required: an http or https URL (expressions allowed)' });
    return undefined;
  }
  if (raw.includes('${')) {
    try {
      parseTemplate(raw);
    } catch (err) {
      if (!(err instanceof ExpressionSyntaxError)) throw err;
      problems.push({ path, message: err.message });
      return undefined;
    }
    // The URL is only known at run time; its fixed prefix must still look like one.
    if (!/^https?:\/\//i.test(raw) && !raw.startsWith('${')) problems.push({ path, message: 'must be an http or https URL' });
  } else if (!isHttpUrl(raw)) problems.push({ path, message: 'must be an http or https URL' });
  return raw;
}

function method(raw: unknown, path: string, fallback: string, problems: Problem[]): string {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !METHODS.includes(raw.toUpperCase())) {
    problems.push({ path, message: `must be one of ${METHODS.join(', ')}` });
    return fallback;
  }
  return raw.toUpperCase();
}

function bool(raw: unknown, path: string, fallback: boolean, problems: Problem[]): boolean {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'boolean') {
    problems.push({ path, message: 'must be a boolean' });
    return fallback;
  }
  return raw;
}

function num(raw: unknown, path: string, min: number, max: number, problems: Problem[]): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < min || raw > max) {
    problems.push({ path, message: `must be a number from ${min} to ${max}` });
    return undefined;
  }
  return raw;
}

function codes(raw: unknown, path: string, fallback: number[], problems: Problem[]): number[] {
  if (raw === undefined) return fallback;
  if (!Array.isArray(raw) || raw.some((c) => !Number.isInteger(c) || c < 100 || c > 599)) {
    problems.push({ path, message: 'must be an array of HTTP status codes (100-599)' });
    return fallback;
  }
  return raw as number[];
}

function statuses(raw: unknown, path: string, fallback: string[], problems: Problem[]): string[] {
  if (raw === undefined) return fallback;
  if (typeof raw === 'string') return parseStatusList(raw);
  if (Array.isArray(raw) && raw.every((s) => typeof s === 'string')) return parseStatusList(raw.join(','));
  problems.push({ path, message: 'must be a comma-separated string of statuses' });
  return fallback;
}

function jsonPath(raw: unknown, path: string, problems: Problem[]): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') {
    problems.push({ path, message: 'must be a JSONPath string' });
    return undefined;
  }
  const problem = jsonPathProblem(raw);
  if (problem) problems.push({ path, message: problem });
  return raw;
}

/**
 * Validates a node's `webhook` object. Problems are pushed with the field's path; the nodes that
 * its expressions read are returned so that the node waits for them.
 */
export function validateWebhookStage(raw: unknown, at: string, problems: Problem[], nodeName = ''): { spec?: WebhookStageSpec; reads: string[] } {
  if (!isObject(raw)) {
    problems.push({ path: at, message: 'is required for a webhook node: an object with at least url' });
    return { reads: [] };
  }
  for (const key of Object.keys(raw)) {
    if (!(WEBHOOK_FIELDS as readonly string[]).includes(key)) problems.push({ path: `${at}.${key}`, message: 'is not a known field' });
  }
  const d = WEBHOOK_DEFAULTS;
  const url = checkUrl(raw.url, `${at}.url`, true, problems);
  const customHeaders = raw.customHeaders;
  if (customHeaders !== undefined) {
    if (!isObject(customHeaders) || Object.values(customHeaders).some((v) => typeof v !== 'string')) {
      problems.push({ path: `${at}.customHeaders`, message: 'must be an object of string header values' });
    } else {
      for (const name of Object.keys(customHeaders)) {
        if (!HEADER_NAME.test(name)) problems.push({ path: `${at}.customHeaders.${name}`, message: 'is not a valid header name' });
        else if (/[\r\n\0]/.test(customHeaders[name] as string)) problems.push({ path: `${at}.customHeaders.${name}`, message: 'must be a single line (no CR, LF or NUL)' });
      }
      checkTemplates(customHeaders, `${at}.customHeaders`, problems);
    }
  }
  checkTemplates(raw.payload, `${at}.payload`, problems);
  checkTemplates(raw.cancelPayload, `${at}.cancelPayload`, problems);
  const waitForCompletion = bool(raw.waitForCompletion, `${at}.waitForCompletion`, d.waitForCompletion, problems);
  let statusUrlResolution = d.statusUrlResolution;
  if (raw.statusUrlResolution !== undefined) {
    if (!RESOLUTIONS.includes(raw.statusUrlResolution as StatusUrlResolution)) {
      problems.push({ path: `${at}.statusUrlResolution`, message: `must be one of ${RESOLUTIONS.join(', ')}` });
    } else statusUrlResolution = raw.statusUrlResolution as StatusUrlResolution;
  }
  const statusUrlJsonPath = jsonPath(raw.statusUrlJsonPath, `${at}.statusUrlJsonPath`, problems);
  const statusJsonPath = jsonPath(raw.statusJsonPath, `${at}.statusJsonPath`, problems);
  const progressJsonPath = jsonPath(raw.progressJsonPath, `${at}.progressJsonPath`, problems);
  const monitorOnly = bool(raw.monitorOnly, `${at}.monitorOnly`, d.monitorOnly, problems);
  if (waitForCompletion && raw.statusJsonPath === undefined) {
    problems.push({ path: `${at}.statusJsonPath`, message: 'is required when waitForCompletion is true' });
  }
  if (waitForCompletion && statusUrlResolution === 'webhookResponse' && raw.statusUrlJsonPath === undefined) {
    problems.push({ path: `${at}.statusUrlJsonPath`, message: 'is required when statusUrlResolution is webhookResponse' });
  }
  if (monitorOnly && !waitForCompletion) problems.push({ path: `${at}.monitorOnly`, message: 'needs waitForCompletion' });
  const retries: WebhookStageSpec['retries'] = {};
  if (raw.retries !== undefined) {
    if (!isObject(raw.retries)) problems.push({ path: `${at}.retries`, message: 'must be an object: { "<status code>": { "maxAttempts": n } }' });
    else {
      for (const [code, budget] of Object.entries(raw.retries)) {
        const path = `${at}.retries.${code}`;
        if (!/^[1-5]\d\d$/.test(code)) problems.push({ path, message: 'must be an HTTP status code' });
        else if (!isObject(budget) || Object.keys(budget).some((k) => k !== 'maxAttempts') || !Number.isInteger(budget.maxAttempts) || (budget.maxAttempts as number) < 1 || (budget.maxAttempts as number) > 1000) {
          problems.push({ path, message: 'must be { "maxAttempts": 1-1000 }' });
        } else retries[code] = { maxAttempts: budget.maxAttempts as number };
      }
    }
  }
  const cancelEndpoint = checkUrl(raw.cancelEndpoint, `${at}.cancelEndpoint`, false, problems);
  const spec: WebhookStageSpec = {
    url: url ?? '',
    method: method(raw.method, `${at}.method`, d.method, problems),
    ...(isObject(customHeaders) ? { customHeaders } : {}),
    ...(raw.payload !== undefined ? { payload: raw.payload } : {}),
    waitForCompletion,
    statusUrlResolution,
    ...(statusUrlJsonPath !== undefined ? { statusUrlJsonPath } : {}),
    ...(statusJsonPath !== undefined ? { statusJsonPath } : {}),
    ...(progressJsonPath !== undefined ? { progressJsonPath } : {}),
    successStatuses: statuses(raw.successStatuses, `${at}.successStatuses`, d.successStatuses, problems),
    canceledStatuses: statuses(raw.canceledStatuses, `${at}.canceledStatuses`, d.canceledStatuses, problems),
    terminalStatuses: statuses(raw.terminalStatuses, `${at}.terminalStatuses`, d.terminalStatuses, problems),
    failFastStatusCodes: codes(raw.failFastStatusCodes, `${at}.failFastStatusCodes`, d.failFastStatusCodes, problems),
    retryStatusCodes: codes(raw.retryStatusCodes, `${at}.retryStatusCodes`, d.retryStatusCodes, problems),
    retries,
    waitBeforeMonitorSeconds: num(raw.waitBeforeMonitorSeconds, `${at}.waitBeforeMonitorSeconds`, 0, 86_400, problems) ?? d.waitBeforeMonitorSeconds,
    monitorOnly,
    ...(cancelEndpoint !== undefined ? { cancelEndpoint } : {}),
    cancelMethod: method(raw.cancelMethod, `${at}.cancelMethod`, d.cancelMethod, problems),
    ...(raw.cancelPayload !== undefined ? { cancelPayload: raw.cancelPayload } : {}),
    timeoutSeconds: num(raw.timeoutSeconds, `${at}.timeoutSeconds`, 0.1, 30 * 86_400, problems) ?? d.timeoutSeconds,
    callTimeoutSeconds: num(raw.callTimeoutSeconds, `${at}.callTimeoutSeconds`, 0.1, 300, problems) ?? d.callTimeoutSeconds,
    createRetryBudgetSeconds: num(raw.createRetryBudgetSeconds, `${at}.createRetryBudgetSeconds`, 0, 86_400, problems) ?? d.createRetryBudgetSeconds,
  };
  const poll = num(raw.pollIntervalSeconds, `${at}.pollIntervalSeconds`, 0.01, 3600, problems);
  if (poll !== undefined) spec.pollIntervalSeconds = poll;
  let reads: string[] = [];
  try {
    const nodesIn = (fields: unknown[]) => fields.flatMap((f) => expressionsIn(f).map(referencedNode).filter((n): n is string => n !== undefined));
    // The cancel request may also read the stage's own context (the id the call answered with).
    const cancelReads = nodesIn([spec.cancelEndpoint, spec.cancelPayload]).filter((n) => n !== nodeName);
    reads = [...new Set([...nodesIn([spec.url, spec.customHeaders, spec.payload]), ...cancelReads])];
  } catch (err) {
    if (!(err instanceof ExpressionSyntaxError)) throw err;
  }
  return { spec, reads };
}
