import { parentPort, workerData } from 'node:worker_threads';
import { fitAndScoreChurn, type ChurnFitInput } from './churn-scores';

/**
 * The churn fit's worker thread (started by fitChurnOffThread): fits and scores what it was
 * given, posts the result or the error, and ends. Pure computation, no I/O.
 */
const { input } = workerData as { input: ChurnFitInput };
try {
  parentPort!.postMessage({ ok: true, value: fitAndScoreChurn(input) });
} catch (error) {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  parentPort!.postMessage({ ok: false, name, message });
}
