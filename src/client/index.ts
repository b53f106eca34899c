/**
 * Herald's TypeScript client (`herald/client`): a typed client of every route, the webhook
 * verifier, and a worker runner.
 */
export { createHeraldClient, expectOk, HeraldApiError, type HeraldClient, type HeraldClientOptions, type Schema, type components, type paths } from './herald-client';
export { verifyWebhook, type WebhookHeaders, type WebhookVerification } from './verify-webhook';
export { runWorker, TaskError, type RunWorkerOptions, type TaskContext, type Worker, type WorkerTask } from './run-worker';
