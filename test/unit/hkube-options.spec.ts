import { admissions, concurrencyLimit, decideAdmit, freesRoom, holdIfFull } from '../../src/jobs/domain/concurrent-pipelines';
import { decideAcquire, decideStop, decideSubmit, decideTtl, advance, advanceNeeds } from '../../src/jobs/domain/job.decide';
import { activeExpiry, ACTIVE_TTL_REASON, expiryReason, stopDeadline } from '../../src/jobs/domain/job-deadlines';
import { evolve, evolveAll } from '../../src/jobs/domain/job.evolve';
import type { JobEvent } from '../../src/jobs/domain/job.events';
import { validatePipelineRequest } from '../../src/jobs/domain/pipeline.validate';
import { AT, JOB_ID, NOW, after, context, domainErrorOf, pipeline } from './job-fixtures';

const node = { nodeName: 'g', algorithmName: 'g-alg', input: [1] };
const submit = (options: Record<string, unknown>) => decideSubmit(pipeline({ nodes: [node], options }), JOB_ID, context());
const at = (seconds: number) => after(seconds).toISOString();

describe('options.activeTtl (HKube)', () => {
  it('is an integer from 1 (HKube: minimum 1, nullable) to 30 days; null means none', () => {
    expect(pipeline({ nodes: [node], options: { activeTtl: 5 } }).options.activeTtl).toBe(5);
    expect(pipeline({ nodes: [node], options: { activeTtl: '7' } }).options.activeTtl).toBe(7);
    expect(pipeline({ nodes: [node], options: { activeTtl: null } }).options).not.toHaveProperty('activeTtl');
    expect(pipeline({ nodes: [node] }).options).not.toHaveProperty('activeTtl');
    expect(domainErrorOf(() => pipeline({ nodes: [node], options: { activeTtl: 0 } })).message).toBe('data.options.activeTtl should be >= 1');
    expect(domainErrorOf(() => pipeline({ nodes: [node], options: { activeTtl: 1.5 } })).message).toBe('data.options.activeTtl should be integer');
    expect(domainErrorOf(() => pipeline({ nodes: [node], options: { activeTtl: 30 * 86_400 + 1 } })).code).toBe('VALIDATION_FAILED');
  });

  it('starts counting when the job starts (job.started), not at submission', () => {
    const submitted = evolveAll(undefined, submit({ activeTtl: 2 }), AT);
    expect(submitted.activeExpiresAt).toBeUndefined();
    expect(stopDeadline(submitted)).toBe(submitted.ttlExpiresAt);
    const started = evolve(submitted, { type: 'job.started', data: {} }, at(10));
    expect(started.activeExpiresAt).toBe(at(12));
    expect(stopDeadline(started)).toBe(at(12));
    expect(activeExpiry({ ...submitted.options, activeTtl: undefined }, at(10))).toBeUndefined();
  });

  it('stops a started job past its activeTtl with HKube\'s reason, and not before', () => {
    const started = evolve(evolveAll(undefined, submit({ activeTtl: 2, ttl: 60 }), AT), { type: 'job.started', data: {} }, at(10));
    expect(decideTtl(started, after(11.999))).toEqual([]);
    expect(decideTtl(started, after(12))).toEqual([{ type: 'job.stopped', data: { reason: 'pipeline active TTL expired' } }]);
    expect(ACTIVE_TTL_REASON).toBe('pipeline active TTL expired');
  });

  it('a job never started is not stopped by its activeTtl; the ttl comes first when both passed', () => {
    const pending = evolveAll(undefined, submit({ activeTtl: 1, ttl: 30 }), AT);
    expect(decideTtl(pending, after(29))).toEqual([]);
    expect(decideTtl(pending, after(30))).toEqual([{ type: 'job.stopped', data: { reason: 'ttl expired' } }]);
    const started = evolve(pending, { type: 'job.started', data: {} }, at(20));
    expect(expiryReason(started, after(25))).toBe('pipeline active TTL expired');
    expect(expiryReason(started, after(31))).toBe('ttl expired');
    // A ttl earlier than the active deadline stays the deadline.
    const late = evolve(pending, { type: 'job.started', data: {} }, at(29.5));
    expect(stopDeadline(late)).toBe(late.ttlExpiresAt);
  });

  it('leaves a finished job alone', () => {
    const started = evolve(evolveAll(undefined, submit({ activeTtl: 1 }), AT), { type: 'job.started', data: {} }, AT);
    const stopped = evolveAll(started, decideStop(started, 'x'), AT);
    expect(decideTtl(stopped, after(100))).toEqual([]);
  });
});

describe('options.concurrentPipelines (HKube)', () => {
  it('validates HKube\'s shape: amount 1-10000, rejectOnFailure boolean defaulting to true, nothing else', () => {
    expect(pipeline({ nodes: [node], options: { concurrentPipelines: { amount: 2 } } }).options.concurrentPipelines).toEqual({ amount: 2, rejectOnFailure: true });
    expect(pipeline({ nodes: [node], options: { concurrentPipelines: { amount: 2, rejectOnFailure: false } } }).options.concurrentPipelines).toEqual({ amount: 2, rejectOnFailure: false });
    // HKube does not require amount: then there is no limit.
    const free = pipeline({ nodes: [node], options: { concurrentPipelines: {} } });
    expect(free.options.concurrentPipelines).toEqual({ rejectOnFailure: true });
    expect(concurrencyLimit(free.options)).toBeUndefined();
    expect(domainErrorOf(() => pipeline({ nodes: [node], options: { concurrentPipelines: { amount: 0 } } })).message).toBe('data.options.concurrentPipelines.amount should be >= 1');
    expect(domainErrorOf(() => pipeline({ nodes: [node], options: { concurrentPipelines: { amount: 10_001 } } })).message).toBe('data.options.concurrentPipelines.amount should be <= 10000');
    expect(domainErrorOf(() => pipeline({ nodes: [node], options: { concurrentPipelines: { amount: 1, x: 1 } } })).details).toEqual([{ path: 'options.concurrentPipelines.x', message: 'is not a known field' }]);
    expect(domainErrorOf(() => pipeline({ nodes: [node], options: { concurrentPipelines: { amount: 1, rejectOnFailure: 'no' } } })).message).toBe('data.options.concurrentPipelines.rejectOnFailure should be boolean');
    expect(domainErrorOf(() => validatePipelineRequest({ name: 'a', nodes: [node], options: { concurrentPipelines: 3 } })).message).toBe('data.options.concurrentPipelines should be object');
  });

  it('holds a waiting-mode submission back when the pipeline is full, and only then', () => {
    const events = submit({ concurrentPipelines: { amount: 2, rejectOnFailure: false } });
    expect(holdIfFull(events, 1)).toBe(events);
    const held = holdIfFull(events, 2);
    expect(held[0]).toMatchObject({ type: 'job.submitted', data: { waiting: true } });
    // Refusing mode is checked by the database (nothing to hold); no limit: nothing either.
    const refusing = submit({ concurrentPipelines: { amount: 2 } });
    expect(holdIfFull(refusing, 5)).toBe(refusing);
  });

  it('a waiting job does not expand, hands out nothing, and starts on job.admitted', () => {
    const held = holdIfFull(submit({ concurrentPipelines: { amount: 1, rejectOnFailure: false } }), 1);
    const waiting = evolveAll(undefined, held, AT);
    expect([waiting.status, waiting.waiting]).toEqual(['pending', true]);
    expect(advanceNeeds(waiting)).toEqual({ spec: false, nodes: [] });
    expect(advance(waiting, { results: {} }, context())).toEqual([]);
    expect(decideAcquire(waiting, [], { workerName: 'w', now: NOW })).toEqual([]);
    const admitted = evolveAll(waiting, decideAdmit(waiting), AT);
    expect(admitted.waiting).toBeUndefined();
    expect(advanceNeeds(admitted).spec).toBe(true);
    const spec = pipeline({ nodes: [node], options: { concurrentPipelines: { amount: 1, rejectOnFailure: false } } });
    expect(advance(admitted, { spec, results: {} }, context()).map((e: JobEvent) => e.type)).toEqual(['node.expanded']);
    // Admitted twice: once.
    expect(decideAdmit(admitted)).toEqual([]);
    // A waiting job stopped before its turn is not admitted.
    expect(decideAdmit(evolveAll(waiting, decideStop(waiting, 'x'), AT))).toEqual([]);
  });

  it('admits the oldest waiting jobs that fit, each by its own amount, first come first served', () => {
    const w = (jobId: string, amount = 2) => ({ jobId, amount });
    expect(admissions(2, [w('a'), w('b')])).toEqual([]);
    expect(admissions(1, [w('a'), w('b')])).toEqual(['a']);
    expect(admissions(0, [w('a'), w('b'), w('c')])).toEqual(['a', 'b']);
    expect(admissions(1, [w('a', 1), w('b', 5)])).toEqual([]);
    expect(admissions(1, [w('a', 3), w('b', 1)])).toEqual(['a']);
  });

  it('a job with a limit frees room when it ends; other changes do not', () => {
    const submitted = evolveAll(undefined, submit({ concurrentPipelines: { amount: 2 } }), AT);
    const stopped = evolveAll(submitted, decideStop(submitted, 'x'), AT);
    expect(freesRoom(submitted, stopped)).toBe(true);
    expect(freesRoom(stopped, stopped)).toBe(false);
    expect(freesRoom(undefined, submitted)).toBe(false);
    const plain = evolveAll(undefined, submit({}), AT);
    expect(freesRoom(plain, evolveAll(plain, decideStop(plain, 'x'), AT))).toBe(false);
  });
});
