import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/database/db';
import { keyDigest, newProjectKey } from '../../src/auth/domain/api-key-format';
import { ApiKeysRepository } from '../../src/auth/infrastructure/api-keys.repository';
import { openTestDb } from '../support/database';

/** The api_keys statements on a real PostgreSQL: lookup by digest, and a last use written at most once a minute. */
const repo = new ApiKeysRepository();
const T0 = new Date('2030-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('api_keys', () => {
  let t: { db: Db; close: () => Promise<void> };
  beforeAll(async () => {
    t = await openTestDb(2);
  });
  afterAll(() => t.close());

  async function newKey(projectId: string): Promise<{ id: string; key: string }> {
    const key = newProjectKey(Buffer.alloc(32, projectId.length));
    const id = randomUUID();
    await repo.insert(t.db, { id, projectId, name: 'k', prefix: key.slice(0, 11), digest: keyDigest(key), scopes: ['jobs:read'] }, T0);
    return { id, key };
  }

  it('finds a key by its digest only, and forgets it once deleted (by its own project only)', async () => {
    const { id, key } = await newKey('proj-1');
    expect(await repo.byDigest(t.db, keyDigest(key))).toEqual({ id, projectId: 'proj-1', scopes: ['jobs:read'] });
    expect(await repo.byDigest(t.db, keyDigest(`${key}x`))).toBeUndefined();
    expect(await repo.delete(t.db, 'proj-2', id)).toBe(false);
    expect(await repo.delete(t.db, 'proj-1', id)).toBe(true);
    expect(await repo.byDigest(t.db, keyDigest(key))).toBeUndefined();
  });

  it('writes a last use at most once a minute, whatever the number of instances recording it', async () => {
    const { id } = await newKey('proj-11');
    const lastUsed = async () => (await repo.ofProject(t.db, 'proj-11')).find((k) => k.id === id)!.lastUsedAt;
    await repo.touch(t.db, id, at(0));
    expect(await lastUsed()).toBe(at(0).toISOString());
    await repo.touch(t.db, id, at(30));
    await repo.touch(t.db, id, at(59));
    expect(await lastUsed()).toBe(at(0).toISOString());
    await repo.touch(t.db, id, at(60));
    expect(await lastUsed()).toBe(at(60).toISOString());
  });
});
