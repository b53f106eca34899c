import { DomainError, ValidationError } from './domain-error';

/**
 * 405 for a known path asked with a method it does not serve (the pipeline engine's answer;
 * Express alone would say 404). The error filter sends `Allow` with the methods it does serve.
 */
export class MethodNotAllowedError extends DomainError {
  constructor(
    method: string,
    path: string,
    readonly allowed: string[],
  ) {
    super('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use ${allowed.join(', ')}`, 405, { allowed });
  }
}

/** 400 (VALIDATION_FAILED) for a route asked without its id: "/api/v1/exec/status" instead of ".../status/{jobId}". */
export function missingPathId(name: string): ValidationError {
  return new ValidationError(`data should have required property '${name}'`, [{ path: name, message: 'required' }]);
}
