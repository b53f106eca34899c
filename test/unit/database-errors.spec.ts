import { isDatabaseUnavailable, isUnstorableText } from '../../src/database/database-errors';

describe('database unavailable (503) or a statement failing (not ours to hide)', () => {
  it('recognises a database that is down, restarting, or out of reach', () => {
    const cases = [
      { code: 'ECONNREFUSED' },
      { code: 'ENOENT' },
      { code: 'ECONNRESET' },
      { code: '57P01', message: 'terminating connection due to administrator command' },
      { code: '57P03', message: 'the database system is starting up' },
      { code: '08006' },
      { code: '53300' },
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ];
    for (const c of cases) expect([c, isDatabaseUnavailable(c)]).toEqual([c, true]);
  });

  it('leaves statement errors and everything else alone', () => {
    for (const c of [{ code: '23505' }, { code: '40001' }, { code: '42P01' }, new Error('boom'), null, undefined, 'text']) expect([c, isDatabaseUnavailable(c)]).toEqual([c, false]);
  });
});

describe('text PostgreSQL cannot store (the caller\'s input: 400)', () => {
  it('is a NUL or an untranslatable character, and nothing else', () => {
    expect([isUnstorableText({ code: '22021' }), isUnstorableText({ code: '22P05' }), isUnstorableText({ code: '23505' }), isUnstorableText(new Error('x'))]).toEqual([true, true, false, false]);
  });
});
