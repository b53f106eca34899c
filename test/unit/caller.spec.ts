import { bearerToken, displayPrefix, isProjectKeyShape, isWellFormedProjectKey, lastUseDue, newProjectKey } from '../../src/auth/domain/api-key-format';
import { assertAccess, assertProjectVisible, projectForWrite, projectOf, type Caller } from '../../src/auth/domain/caller';
import { DomainError } from '../../src/common/domain-error';

const admin: Caller = { kind: 'admin', via: 'key' };
const reader: Caller = { kind: 'project', projectId: 'proj-a', keyId: 'k1', scopes: ['jobs:read'] };

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof DomainError ? `${err.status} ${err.code}` : String(err);
  }
};

describe('callers', () => {
  it('confine a project key to its project; an admin reaches every project', () => {
    expect([projectOf(admin), projectOf(reader)]).toEqual([null, 'proj-a']);
    expect(codeOf(() => assertProjectVisible(reader, 'proj-a'))).toBeUndefined();
    expect(codeOf(() => assertProjectVisible(reader, 'proj-b'))).toBe('404 PROJECT_NOT_FOUND');
    expect(codeOf(() => assertProjectVisible(admin, 'proj-b'))).toBeUndefined();
  });

  it('give a project key only the routes of its scopes, and no admin route', () => {
    expect(codeOf(() => assertAccess(reader, 'jobs:read'))).toBeUndefined();
    expect(codeOf(() => assertAccess(reader, 'jobs:write'))).toBe('403 FORBIDDEN_SCOPE');
    expect(codeOf(() => assertAccess(reader, 'admin'))).toBe('403 FORBIDDEN_SCOPE');
    expect(codeOf(() => assertAccess(admin, 'admin'))).toBeUndefined();
  });

  it("make what a project key creates its project's: another project named is a 400", () => {
    expect(projectForWrite(reader, undefined, 'projectId')).toBe('proj-a');
    expect(projectForWrite(reader, 'proj-a', 'projectId')).toBe('proj-a');
    expect(codeOf(() => projectForWrite(reader, 'proj-b', 'x-project-id'))).toBe('400 VALIDATION_FAILED');
    expect([projectForWrite(admin, undefined, 'projectId'), projectForWrite(admin, 'proj-b', 'projectId')]).toEqual([undefined, 'proj-b']);
  });
});

describe('project key format', () => {
  it('is hk_ and 32 random bytes in base64url, shown by its first 11 characters', () => {
    const key = newProjectKey(Buffer.alloc(32, 7));
    expect(key).toMatch(/^hk_[A-Za-z0-9_-]{43}$/);
    expect([isProjectKeyShape(key), isWellFormedProjectKey(key), isWellFormedProjectKey(`${key}=`), isProjectKeyShape('admin-key')]).toEqual([true, true, false, false]);
    expect(displayPrefix(key)).toBe(key.slice(0, 11));
    expect(() => newProjectKey(Buffer.alloc(16))).toThrow();
  });

  it('is read from "Authorization: Bearer <key>" only', () => {
    expect([bearerToken('Bearer abc'), bearerToken('bearer  abc '), bearerToken('Basic abc'), bearerToken('abc'), bearerToken(undefined), bearerToken('Bearer ')]).toEqual(['abc', 'abc', undefined, undefined, undefined, undefined]);
    // fal's clients send `Key <key>`.
    expect([bearerToken('Key abc'), bearerToken('key abc'), bearerToken('Key '), bearerToken('Keys abc')]).toEqual(['abc', 'abc', undefined, undefined]);
  });

  it('has its use recorded at most once a minute', () => {
    expect([lastUseDue(undefined, 0), lastUseDue(0, 59_999), lastUseDue(0, 60_000)]).toEqual([true, false, true]);
  });
});
