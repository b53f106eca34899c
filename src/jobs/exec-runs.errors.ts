import { DomainError, NotFoundError } from '../common/domain-error';

/** Errors of HKube's exec/rerun, exec/caching and exec/tree (docs/API.md, "HKube routes: rerun, algorithm, tree, caching"). */

/** HKube's tree exists only for a job that triggered pipelines; Herald has no pipeline triggers. HKube's words: "tree <jobId> Not Found". */
export const triggersTreeNotFound = (jobId: string) => new NotFoundError('TRIGGERS_TREE_NOT_FOUND', `tree ${jobId} Not Found`);

/** A queue request is rerun by submitting it to its queue again (its queue's settings and limits are the queue's, not a pipeline's). */
export const rerunNotSupported = (jobId: string, queue: string) =>
  new DomainError('RERUN_NOT_SUPPORTED', `job ${jobId} is a request on queue ${queue}: only pipeline jobs can be rerun (submit the request to its queue again)`, 400, { jobId, kind: 'queue' });

/** A queue request has one node and no pipeline to run from one of its nodes (as for rerun: submit it to its queue again). */
export const cachingNotSupported = (jobId: string, queue: string) =>
  new DomainError('CACHING_NOT_SUPPORTED', `job ${jobId} is a request on queue ${queue}: only pipeline jobs can be run from a node (submit the request to its queue again)`, 400, { jobId, kind: 'queue' });
