/**
 * Submits a pipeline (a batch of 1, 2, 3 for the `double` algorithm), waits for it to end by
 * polling its status, then prints the results. Exit code 0 when the job completed.
 *
 *   HERALD_URL=http://localhost:3000 node dist/examples/submit-and-wait.js
 */
import { createHeraldClient, expectOk } from 'herald/client';

async function main(): Promise<number> {
  const herald = createHeraldClient({ url: process.env.HERALD_URL ?? 'http://localhost:3000', key: process.env.HERALD_API_KEY });
  const { jobId } = await expectOk(
    herald.POST('/api/v1/exec/raw', { body: { name: 'example', nodes: [{ nodeName: 'double', algorithmName: 'double', input: ['#[1,2,3]'] }] } }),
  );
  console.log(`submitted ${jobId}`);
  for (;;) {
    const status = await expectOk(herald.GET('/api/v1/exec/status/{jobId}', { params: { path: { jobId } } }));
    console.log(`${status.status}: ${status.data.details}`);
    if (status.status === 'completed' || status.status === 'failed' || status.status === 'stopped') break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const results = await expectOk(herald.GET('/api/v1/exec/results/{jobId}', { params: { path: { jobId } } }));
  for (const entry of results.data.result) console.log(`${entry.batchID ?? entry.nodeName}: ${JSON.stringify('result' in entry ? entry.result : entry.error)}`);
  return results.status === 'completed' ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
