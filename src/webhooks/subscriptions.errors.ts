import { ConflictError, NotFoundError } from '../common/domain-error';

/** Errors of the subscription routes (/api/v1/subscriptions/{id}/...). */

/** A subscription that is not there, or another project's (the same answer). */
export const subscriptionNotFound = (id: string) => new NotFoundError('SUBSCRIPTION_NOT_FOUND', `subscription ${id} does not exist`);

/** POST /api/v1/subscriptions/{id}/enable of a subscription that is not disabled. */
export const subscriptionAlreadyActive = (id: string) => new ConflictError('SUBSCRIPTION_ALREADY_ACTIVE', `subscription ${id} is already active`, { id });
