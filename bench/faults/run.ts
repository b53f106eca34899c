import { backpressureScenario } from './backpressure';
import { concurrencyScenario } from './concurrency';
import { databaseRestartScenario } from './database-restart';
import { fuzzScenario } from './fuzz';
import { killInstanceScenario } from './kill-instance';
import { receiverMatrixScenario } from './receiver-matrix';
import { soakScenario } from './soak';

/**
 * npm run test:faults: the fault scenarios, one after the other, each printing its figures
 * (docs/RELIABILITY.md keeps the latest). FAULT_ONLY=<name> runs one. The long ones (soak,
 * backpressure: 10 minutes and more each) run only by name or all with FAULTS_LONG=1
 * (npm run test:faults:long). A scenario fails on `lost` or on `failedChecks` other than 0.
 */
type Scenario = () => Promise<Record<string, number | string>>;
const SCENARIOS: Record<string, Scenario> = {
  'kill-instance': killInstanceScenario,
  concurrency: concurrencyScenario,
  'receiver-matrix': receiverMatrixScenario,
  'database-restart': databaseRestartScenario,
  fuzz: fuzzScenario,
};
const LONG: Record<string, Scenario> = {
  soak: soakScenario,
  backpressure: backpressureScenario,
};

async function main(): Promise<void> {
  const only = process.env.FAULT_ONLY;
  let failed = false;
  const long = process.env.FAULTS_LONG === '1';
  const chosen = only ? { ...SCENARIOS, ...LONG } : long ? LONG : SCENARIOS;
  if (only && !(only in chosen)) throw new Error(`FAULT_ONLY=${only}: no such scenario (${Object.keys(chosen).join(', ')})`);
  for (const [name, run] of Object.entries(chosen)) {
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
    if (figures.failedChecks !== undefined && Number(figures.failedChecks) !== 0) {
      failed = true;
      console.log(`  FAIL: ${figures.failedChecks} checks failed: ${figures.failures}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
