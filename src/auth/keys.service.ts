import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Clock, IdGenerator } from '../common/clock';
import { NotFoundError, ValidationError } from '../common/domain-error';
import { parseBody } from '../common/zod-validation';
import { Db } from '../database/db';
import { GROUP_ID_RULE, isGroupId } from '../jobs/domain/pipeline.validate';
import { displayPrefix, keyDigest, newProjectKey } from './domain/api-key-format';
import { assertProjectVisible, KEY_SCOPES, type Caller } from './domain/caller';
import { Callers } from './callers.service';
import { KeyRequest } from './http/keys.schemas';
import { ApiKeysRepository, type ApiKeyRow } from './infrastructure/api-keys.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const keyNotFound = (id: string) => new NotFoundError('KEY_NOT_FOUND', `key ${id} does not exist in this project`);

export function assertProjectId(projectId: string): void {
  if (!isGroupId(projectId)) throw new ValidationError(`invalid projectId: ${GROUP_ID_RULE}`, [{ path: 'projectId', message: GROUP_ID_RULE }]);
}

/** Project keys: made here (the key answered once), listed without the key, revoked at once. */
@Injectable()
export class KeysService {
  constructor(
    private readonly db: Db,
    private readonly repo: ApiKeysRepository,
    private readonly callers: Callers,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async create(caller: Caller, projectId: string, body: unknown): Promise<ApiKeyRow & { key: string }> {
    assertProjectVisible(caller, projectId);
    assertProjectId(projectId);
    const { name, scopes = [...KEY_SCOPES] } = parseBody(KeyRequest, body, { what: 'key' });
    const key = newProjectKey(randomBytes(32));
    const at = this.clock.now();
    const row = { id: this.ids.newId(), projectId, name, prefix: displayPrefix(key), scopes };
    await this.repo.insert(this.db, { ...row, digest: keyDigest(key) }, at);
    return { ...row, createdAt: at.toISOString(), lastUsedAt: null, key };
  }

  async list(caller: Caller, projectId: string): Promise<{ keys: ApiKeyRow[] }> {
    assertProjectVisible(caller, projectId);
    assertProjectId(projectId);
    return { keys: await this.repo.ofProject(this.db, projectId) };
  }

  /** Gone from the database at once; this instance forgets it at once, the others within HERALD_KEY_CACHE_MS. */
  async revoke(caller: Caller, projectId: string, keyId: string): Promise<void> {
    assertProjectVisible(caller, projectId);
    assertProjectId(projectId);
    const id = keyId.toLowerCase();
    if (!UUID.test(id) || !(await this.repo.delete(this.db, projectId, id))) throw keyNotFound(keyId);
    this.callers.forget(id);
  }
}
