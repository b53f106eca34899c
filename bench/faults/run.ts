import { concurrencyScenario } from './concurrency';
import { databaseRestartScenario } from './database-restart';
import { fuzzScenario } from './fuzz';
import { killInstanceScenario } from './kill-instance';
import { receiverMatrixScenario } from './receiver-matrix';

/**
 * npm run test:faults: the fault scenarios, one after the other, each printing its figures
 * (docs/RELIABILITY.md keeps the latest). FAULT_ONLY=<name> runs one.
 */
const SCENARIOS: Record<string, () => Promise<Record<string, number | string>>> = {
  'kill-instance': killInstanceScenario,
  concurrency: concurrencyScenario,
  'receiver-matrix': receiverMatrixScenario,
  'database-restart': databaseRestartScenario,
  fuzz: fuzzScenario,
};

async function main(): Promise<void> {
  const only = process.env.FAULT_ONLY;
  let failed = false;
  for (const [name, run] of Object.entries(SCENARIOS)) {
    if (only && only !== name) continue;
    const started = Date.now();
    console.log(`\n== ${name}`);
    const figures = await run();
    for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(30)} ${v}`);
    console.log(`  ${'took'.padEnd(30)} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (Number(figures.lost) !== 0) {
      failed = true;
      console.log(`  FAIL: ${figures.lost} ${name === 'kill-instance' ? 'acknowledged events were never delivered' : 'invariants broken'}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
