import { ValidationError } from '../../common/domain-error';

/** A Last-Event-ID that is no id this stream gave (not an integer, or past the stream's end). */
export const lastEventIdInvalid = (value: string, why: string) =>
  new ValidationError(`Last-Event-ID ${JSON.stringify(value)} is not valid: ${why}`, [{ path: 'Last-Event-ID', message: why }], 'INVALID_LAST_EVENT_ID');
