/**
 * A Herald worker: takes tasks of the `double` algorithm (or HERALD_ALGORITHMS, comma-separated)
 * and answers each with its first input doubled. Stops gracefully on SIGTERM or Ctrl-C.
 *
 *   HERALD_URL=http://localhost:3000 node dist/examples/worker.js
 */
import { runWorker, TaskError } from 'herald/client';

const worker = runWorker({
  url: process.env.HERALD_URL ?? 'http://localhost:3000',
  key: process.env.HERALD_API_KEY,
  algorithmNames: (process.env.HERALD_ALGORITHMS ?? 'double').split(','),
  concurrency: 4,
  leaseSeconds: 30,
  handleSignals: true,
  handler: async (task) => {
    const [value] = task.input as unknown[];
    if (typeof value !== 'number') throw new TaskError(`expected a number, got ${JSON.stringify(value)}`, { retryable: false });
    await new Promise((resolve) => setTimeout(resolve, 10)); // the real work goes here
    console.log(`${task.taskId} ${task.batchID ?? task.nodeName}: ${value} -> ${value * 2}`);
    return value * 2;
  },
});

console.log(`worker ${worker.workerName} started`);
void worker.done.then(() => console.log(`worker ${worker.workerName} stopped`));
