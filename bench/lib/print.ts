import type { CpuUse } from './cpu';
import { TARGETS } from './knobs';
import type { BenchResults, Report } from './report';
import { pct } from './stats';

/** The report on the console: method, tables, trial lines, warnings, then the report as one JSON line. */

const yes = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'yes' : 'NO');
const shown = (x: number) => (Number.isFinite(x) ? x : 'n/a');
const cpuFigures = (c: CpuUse, loop = true) =>
  `machine ${pct(c.machineBusyPct)} (others ${pct(c.otherProcessesPct)}), node ${pct(c.nodeProcessPctOfOneCore)} + postgres ${pct(c.postgresPctOfOneCore)}` +
  `${Number.isFinite(c.redisPctOfOneCore) && c.redisPctOfOneCore > 0 ? ` + redis ${pct(c.redisPctOfOneCore)}` : ''} of a core${loop ? `, main loop ${pct(c.mainLoopUtilisationPct)}` : ''}`;
const cpuLine = (c: CpuUse, loop = true) => `cpu: ${cpuFigures(c, loop)}`;

export function printReport(report: Report, r: BenchResults): void {
  const h = report.herald.latency;
  const b = report.baseline.latency;
  const met = report.targets.met;
  const bull = report.bullmq.byConcurrency ?? [];
  const col = (c: number) => `bullmq x${c}`;
  console.log('\nMethod');
  for (const [k, v] of Object.entries(report.method)) console.log(`  ${k}: ${v}`);
  console.log('');
  const bullCells = (f: (x: (typeof bull)[number]) => number | undefined) => Object.fromEntries(bull.map((x) => [col(x.concurrency), f(x) ?? 'n/a']));
  console.table({
    'latency p50 (ms)': { herald: h.p50Ms, baseline: b.p50Ms, ...bullCells((x) => x.latency?.p50Ms), target: `<= ${TARGETS.p50Ms}`, met: yes(met.p50) },
    'latency p95 (ms)': { herald: h.p95Ms, baseline: b.p95Ms, ...bullCells((x) => x.latency?.p95Ms), target: '', met: '' },
    'latency p99 (ms)': { herald: h.p99Ms, baseline: b.p99Ms, ...bullCells((x) => x.latency?.p99Ms), target: `<= ${TARGETS.p99Ms}`, met: yes(met.p99) },
    'drain deliveries/s (median)': { herald: report.herald.drainDeliveriesPerSec, baseline: report.baseline.drainDeliveriesPerSec, ...bullCells((x) => x.drainDeliveriesPerSec), target: `>= ${TARGETS.deliveriesPerSec}`, met: yes(met.throughput) },
    'throughput herald / baseline': { herald: report.ratioHeraldToBaselineThroughput, baseline: '', target: `>= ${TARGETS.ratio}`, met: yes(met.ratio) },
  });
  if (!bull.length) console.log(`BullMQ baseline: ${report.method.bullmq}`);

  const res = report.result;
  if (res) {
    const p = report.herald;
    console.log('Result webhook (worker complete over HTTP -> result webhook received) beside the progress webhook (heartbeat command -> progress webhook received), ms:');
    console.table({
      p50: { result: res.latency!.p50Ms, progress: h.p50Ms, 'result / progress': report.ratios.resultToProgressP50 },
      p95: { result: res.latency!.p95Ms, progress: h.p95Ms, 'result / progress': Math.round((100 * res.latency!.p95Ms) / h.p95Ms) / 100 },
      p99: { result: res.latency!.p99Ms, progress: h.p99Ms, 'result / progress': report.ratios.resultToProgressP99 },
    });
    console.log(
      `  breakdown p50/p99: result: complete call ${res.latencyBreakdown.completeCallMs.p50Ms}/${res.latencyBreakdown.completeCallMs.p99Ms}, answered->receipt ${res.latencyBreakdown.answeredToReceiptMs.p50Ms}/${res.latencyBreakdown.answeredToReceiptMs.p99Ms}; ` +
        `progress: command ${p.latencyBreakdown.appendMs.p50Ms}/${p.latencyBreakdown.appendMs.p99Ms}, answered->receipt ${p.latencyBreakdown.commitToReceiptMs.p50Ms}/${p.latencyBreakdown.commitToReceiptMs.p99Ms} ` +
        `(answered->receipt ratio ${report.ratios.resultToProgressAnsweredToReceiptP50} at p50, ${report.ratios.resultToProgressAnsweredToReceiptP99} at p99); ` +
        `${res.paced.measured} measured, ${res.paced.missing} missing`,
    );
  }

  const x = report.ratios;
  const viaBull = (c: number | undefined) => (c === undefined ? 'BullMQ n/a' : `BullMQ x${c}, the better concurrency`);
  console.log('Summary ratios (this run):');
  console.table({
    'herald end-to-end drain / bullmq drain': { value: shown(x.heraldEndToEndToBullmqDrain.value), of: viaBull(x.heraldEndToEndToBullmqDrain.bullmqConcurrency), target: `>= ${TARGETS.bullmqThroughputRatio}`, met: yes(met.bullmqThroughputRatio) },
    'herald paced p50 / bullmq paced p50': { value: shown(x.heraldPacedP50ToBullmqPacedP50.value), of: viaBull(x.heraldPacedP50ToBullmqPacedP50.bullmqConcurrency), target: `<= ${TARGETS.bullmqLatencyRatio}`, met: yes(met.bullmqLatencyRatio) },
    'result / progress webhook p50': { value: shown(x.resultToProgressP50), of: 'Herald', target: `<= ${TARGETS.resultToProgress}`, met: yes(met.resultToProgressP50) },
    'result / progress webhook p99': { value: shown(x.resultToProgressP99), of: 'Herald', target: `<= ${TARGETS.resultToProgress}`, met: yes(met.resultToProgressP99) },
    'herald drain / pg-boss drain': { value: report.ratioHeraldToBaselineThroughput, of: 'pg-boss + axios', target: `>= ${TARGETS.ratio}`, met: yes(met.ratio) },
  });

  console.log('Drain trials (deliveries/s, whole drain / steady 10-90%):');
  r.heraldTrials.forEach((t, i) =>
    console.log(`  herald ${i + 1}: ${t.deliveriesPerSec} / ${t.steadyPerSec}   (fan-out alone ${t.fanoutMessagesPerSec} messages/s; appends ${t.appendsPerSec}/s; ${cpuLine(t.cpu)})`),
  );
  r.baselineTrials.forEach((t, i) => console.log(`  baseline ${i + 1}: ${t.deliveriesPerSec} / ${t.steadyPerSec}   (${cpuLine(t.cpu)})`));
  for (const run of r.bullmq?.runs ?? []) run.trials.forEach((t, i) => console.log(`  bullmq x${run.concurrency} ${i + 1}: ${t.deliveriesPerSec} / ${t.steadyPerSec}   (${cpuLine(t.cpu)})`));
  const e = r.endToEnd;
  if (e) console.log(`  herald fan-out + delivery together: ${e.deliveriesPerSec} / ${e.steadyPerSec}   (${cpuLine(e.cpu, false)})`);
  const hp = r.heraldPaced;
  const bp = r.baselinePaced;
  console.log(
    `Latency breakdown p50/p99 (ms): herald command (lock, decide, append, commit) ${hp.callMs.p50Ms}/${hp.callMs.p99Ms}, command answered->receipt ${hp.afterCallMs.p50Ms}/${hp.afterCallMs.p99Ms}; ` +
      `baseline send ${bp.callMs.p50Ms}/${bp.callMs.p99Ms}, send->receipt ${bp.afterCallMs.p50Ms}/${bp.afterCallMs.p99Ms}` +
      (r.bullmq?.runs ?? []).map((run) => run.paced ? `; bullmq x${run.concurrency} add ${run.paced.callMs.p50Ms}/${run.paced.callMs.p99Ms}, add->receipt ${run.paced.afterCallMs.p50Ms}/${run.paced.afterCallMs.p99Ms}` : '').join(''),
  );
  console.log(`Herald fan-outs in the paced phase: ${r.pacedPaths.chained} chained behind their append's COMMIT, ${r.pacedPaths.handedOver} handed over after it, ${r.pacedPaths.fetched} fetched by the loop`);
  console.log(
    `CPU during the paced phases: herald ${cpuFigures(hp.cpu, false)}; ` +
      (r.result ? `herald result ${cpuFigures(r.result.cpu, false)}; ` : '') +
      `baseline ${cpuFigures(bp.cpu, false)}` +
      (r.bullmq?.runs ?? []).map((run) => (run.paced ? `; bullmq x${run.concurrency} ${cpuFigures(run.paced.cpu, false)}` : '')).join(''),
  );
  if (r.clients.length) {
    console.log('\nHTTP clients, POST of the same body to the same receiver (1 s each, after 0.3 s warm-up):');
    console.table(Object.fromEntries(r.clients.map((c) => [`${c.client} x${c.concurrency}`, { 'requests/s': c.requestsPerSec, 'main-thread ms/request': c.mainThreadMsPerRequest }])));
  }
  const [disturbed, phases] = report.phasesDisturbedByOtherProcesses.split(' of ').map(Number);
  if (disturbed) console.log(`WARNING: other processes used more than 10% of the machine in ${disturbed} of ${phases} measured phases; these figures are not clean`);
  console.log(`machine before start: ${r.preflight.machineBusyPct}% busy, load average ${r.preflight.loadAverage1m}; total ${report.totalSeconds} s\n`);
  console.log(JSON.stringify(report));
}
