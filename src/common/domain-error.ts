/**
 * Errors with a stable string code. Domain code throws these; the global filter maps the
 * code's HTTP status and renders `{ error: { code, message, details } }`. No framework imports.
 */
export type ErrorDetails = Record<string, unknown> | Array<Record<string, unknown>> | undefined;

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, details?: ErrorDetails, code = 'VALIDATION_FAILED') {
    super(code, message, 400, details);
  }
}

export class NotFoundError extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, 404);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, details?: ErrorDetails) {
    super(code, message, 409, details);
  }
}
