import { MASKED_SECRET, splitSecrets, withSecrets } from '../../src/jobs/domain/spec-secrets';
import { validatePipelineRequest } from '../../src/jobs/domain/pipeline.validate';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('the secrets of a job request', () => {
  const spec = validatePipelineRequest({
    name: 'deploy',
    nodes: [
      { nodeName: 'build', algorithmName: 'build-alg', input: [1] },
      { nodeName: 'hook', kind: 'webhook', webhook: { url: 'https://ci.example/deploy', customHeaders: { Authorization: 'Bearer stage-token-1234', 'X-Job': '${ jobId }' } } },
    ],
    webhooks: { progress: 'https://example.com/p', secret: SECRET, headers: { Authorization: 'Bearer header-token-5678' } },
  });

  it('are masked in the request its history keeps, and kept apart whole', () => {
    const { masked, secrets } = splitSecrets(spec);
    const hidden = (v: string) => '*'.repeat(v.length - 4) + v.slice(-4);
    expect(masked.webhooks).toEqual({ progress: 'https://example.com/p', secret: MASKED_SECRET, headers: { Authorization: hidden('Bearer header-token-5678') } });
    expect(masked.nodes[1].webhook?.customHeaders).toEqual({ Authorization: hidden('Bearer stage-token-1234'), 'X-Job': hidden('${ jobId }') });
    expect(JSON.stringify(masked)).not.toMatch(/header-token|stage-token|MfKQ9r8/);
    expect(secrets).toEqual({ secret: SECRET, headers: { Authorization: 'Bearer header-token-5678' }, stageHeaders: { hook: { Authorization: 'Bearer stage-token-1234', 'X-Job': '${ jobId }' } } });
    expect(masked.nodes[0]).toBe(spec.nodes[0]);
  });

  it('come back whole from the masked request and the secrets', () => {
    const { masked, secrets } = splitSecrets(spec);
    expect(withSecrets(masked, secrets)).toEqual(spec);
    expect(withSecrets(masked, undefined)).toBe(masked);
  });

  it('leave a request without any as it is', () => {
    const plain = validatePipelineRequest({ name: 'plain', nodes: [{ nodeName: 'a', algorithmName: 'a-alg', input: [1] }], webhooks: { progress: 'https://example.com/p' } });
    expect(splitSecrets(plain)).toEqual({ masked: plain });
    expect(splitSecrets(plain).masked).toBe(plain);
  });
});
