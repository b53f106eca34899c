/**
 * A node of kind "webhook" (seed 004): Herald itself calls `url`, optionally waits for the remote
 * work by polling a status URL, and passes the response to later nodes. Field names follow the
 * original stage so that a definition can be carried over.
 */
export type StatusUrlResolution = 'getMethod' | 'locationHeader' | 'webhookResponse';

export interface WebhookStageSpec {
  url: string;
  method: string;
  customHeaders?: Record<string, unknown>;
  payload?: unknown;
  waitForCompletion: boolean;
  statusUrlResolution: StatusUrlResolution;
  statusUrlJsonPath?: string;
  statusJsonPath?: string;
  progressJsonPath?: string;
  /** Upper-cased lists (comma-separated in the request, matched case-insensitively). */
  successStatuses: string[];
  canceledStatuses: string[];
  terminalStatuses: string[];
  failFastStatusCodes: number[];
  retryStatusCodes: number[];
  /** Per status code: how many answers with that code the call may get before it fails. */
  retries: Record<string, { maxAttempts: number }>;
  waitBeforeMonitorSeconds: number;
  monitorOnly: boolean;
  cancelEndpoint?: string;
  cancelMethod: string;
  cancelPayload?: unknown;
  timeoutSeconds: number;
  callTimeoutSeconds: number;
  createRetryBudgetSeconds: number;
  /** Absent: every second for the first minute of polling, then every 15 s. */
  pollIntervalSeconds?: number;
}

export const WEBHOOK_FIELDS = [
  'url',
  'method',
  'customHeaders',
  'payload',
  'waitForCompletion',
  'statusUrlResolution',
  'statusUrlJsonPath',
  'statusJsonPath',
  'progressJsonPath',
  'successStatuses',
  'canceledStatuses',
  'terminalStatuses',
  'failFastStatusCodes',
  'retryStatusCodes',
  'retries',
  'waitBeforeMonitorSeconds',
  'monitorOnly',
  'cancelEndpoint',
  'cancelMethod',
  'cancelPayload',
  'timeoutSeconds',
  'callTimeoutSeconds',
  'createRetryBudgetSeconds',
  'pollIntervalSeconds',
] as const;

export const WEBHOOK_DEFAULTS = {
  method: 'POST',
  waitForCompletion: false,
  statusUrlResolution: 'getMethod' as StatusUrlResolution,
  successStatuses: ['SUCCESS'],
  canceledStatuses: [] as string[],
  terminalStatuses: [] as string[],
  failFastStatusCodes: [504],
  retryStatusCodes: [429],
  waitBeforeMonitorSeconds: 0,
  monitorOnly: false,
  cancelMethod: 'POST',
  timeoutSeconds: 3600,
  callTimeoutSeconds: 20,
  createRetryBudgetSeconds: 300,
};

/** The algorithm name a webhook node shows in status and results. */
export const WEBHOOK_ALGORITHM = 'webhook';

/** Response bodies kept in a stage's context (longer ones are cut and flagged). */
export const MAX_STAGE_BODY = 64 * 1024;
