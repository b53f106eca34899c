import { createHeraldClient, expectOk, HeraldApiError } from '../../src/client/herald-client';

describe('createHeraldClient', () => {
  function recording(answer: () => Response) {
    const seen: Request[] = [];
    const fetch = (async (input: Request) => {
      seen.push(input);
      return answer();
    }) as typeof globalThis.fetch;
    return { seen, fetch };
  }

  it('sends the key as a bearer token to the route under the base URL, path parameters encoded', async () => {
    const { seen, fetch } = recording(() => Response.json({ tasks: [] }));
    const client = createHeraldClient({ url: 'http://herald.test:3000/', key: 'hk_secret', fetch });
    await expectOk(client.GET('/api/v1/exec/status/{jobId}', { params: { path: { jobId: 'a b:1' } } }));
    expect(seen[0].url).toBe('http://herald.test:3000/api/v1/exec/status/a%20b%3A1');
    expect(seen[0].headers.get('authorization')).toBe('Bearer hk_secret');
  });

  it('sends no authorization without a key', async () => {
    const { seen, fetch } = recording(() => Response.json({}));
    await createHeraldClient({ url: 'http://herald.test', fetch }).GET('/health');
    expect(seen[0].headers.get('authorization')).toBeNull();
  });

  it('turns an error envelope into a HeraldApiError with its status, code and details', async () => {
    const { fetch } = recording(() => Response.json({ error: { code: 'LEASE_NOT_HELD', message: 'another worker holds it', details: { holder: 'w2' } } }, { status: 409 }));
    const client = createHeraldClient({ url: 'http://herald.test', fetch });
    const err = await expectOk(client.POST('/api/v1/tasks/{taskId}/complete', { params: { path: { taskId: 't1' } }, body: { workerName: 'w1', result: 1 } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HeraldApiError);
    expect(err).toMatchObject({ status: 409, code: 'LEASE_NOT_HELD', details: { holder: 'w2' }, message: 'LEASE_NOT_HELD: another worker holds it (HTTP 409)' });
  });
});
