import { ValidationError } from '../../common/domain-error';
import { GROUP_ID_RULE, isGroupId } from '../../jobs/domain/pipeline.validate';
import { maskValue } from '../../webhooks/domain/mask';

/** Project and batch ids, channel and routing ids. The request bodies are described and checked by http/projects.schemas.ts. */

export function assertGroupId(value: string, path: 'projectId' | 'batchId'): void {
  if (!isGroupId(value)) throw new ValidationError(`invalid ${path}: ${GROUP_ID_RULE}`, [{ path, message: GROUP_ID_RULE }]);
}

/** Shows only the last 4 characters of a secret header. */
export function mask(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : maskValue(value);
}

export interface ChannelInput {
  name?: string;
  url?: string;
  headers?: Record<string, string>;
  secret?: string;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
