/**
 * BG/NBD refit time for 100,000 simulated customers, outside jest (no transform or worker
 * overhead in the numbers). Run from the repo root:
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only libs/analytics/src/testing/bgnbd-fit.bench.ts
 *
 * Prints one JSON line per run with wall-clock and CPU time of the fit (they differ on a busy
 * machine; the fit is single-threaded). The target is a refit under 30 s on 2 cores.
 */
import { performance } from 'node:perf_hooks';
import { fitBgNbd, fitGammaGamma, summarize } from '@touchline/analytics';
import { simulatePurchases } from './simulate';

const customers = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 3);
const truth = { r: 0.25, alpha: 30, a: 0.8, b: 2.5 };
const spend = { p: 6, q: 4, gamma: 15 };
const asOf = new Date('2025-01-01T00:00:00Z');

const purchases = simulatePurchases(truth, {
  customers,
  asOf,
  maxAgeDays: 730,
  seed: 2025,
  spend,
});

for (let run = 1; run <= runs; run++) {
  const t0 = performance.now();
  const summaries = summarize(purchases, asOf, 'day');
  const t1 = performance.now();
  const cpu = process.cpuUsage();
  const fit = fitBgNbd(summaries);
  const fitCpu = process.cpuUsage(cpu);
  const t2 = performance.now();
  const gg = fitGammaGamma(summaries.filter((s) => s.x > 0 && s.monetary > 0));
  const t3 = performance.now();
  process.stdout.write(
    `${JSON.stringify({
      run,
      customers: fit.customers,
      purchases: purchases.length,
      distinctHistories: fit.distinctHistories,
      summarizeMs: Math.round(t1 - t0),
      bgnbdFitMs: Math.round(t2 - t1),
      bgnbdFitCpuMs: Math.round((fitCpu.user + fitCpu.system) / 1000),
      gammaGammaFitMs: Math.round(t3 - t2),
      evaluations: fit.evaluations,
      params: fit.params,
      logLikelihood: fit.logLikelihood,
      gammaGamma: gg.params,
    })}\n`,
  );
}
