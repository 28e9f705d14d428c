import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { NothingToFitError, type ChurnFit, type ChurnFitInput } from './churn-scores';

type FitMessage = { ok: true; value: ChurnFit } | { ok: false; name: string; message: string };

/**
 * Run from TypeScript (jest, ts-node) there is no compiled worker file: the thread compiles its
 * files with ts-node (types stripped only) and resolves the @touchline/* paths as tsconfig.json
 * does. Built, the worker is the emitted churn-fit.worker.js beside this file.
 */
const FROM_TYPESCRIPT = `
const { createRequire } = require('node:module');
const { workerData } = require('node:worker_threads');
const load = createRequire(workerData.root + '/package.json');
load('ts-node').register({ transpileOnly: true, project: workerData.root + '/tsconfig.json' });
load('tsconfig-paths').register({ baseUrl: workerData.root, paths: { '@touchline/*': ['libs/*/src'] } });
load(workerData.entry);
`;

/**
 * Fits BG/NBD and Gamma-Gamma and scores every customer in a worker thread: seconds of CPU (up
 * to half a minute for large populations) during which this process's event loop keeps serving
 * HTTP, ingestion and the projections. One thread per fit, ended with it.
 */
export function fitChurnOffThread(input: ChurnFitInput): Promise<ChurnFit> {
  return new Promise<ChurnFit>((settle, fail) => {
    const worker = __filename.endsWith('.ts')
      ? new Worker(FROM_TYPESCRIPT, {
          eval: true,
          workerData: {
            input,
            entry: join(__dirname, 'churn-fit.worker.ts'),
            root: resolve(__dirname, '../../../..'),
          },
        })
      : new Worker(join(__dirname, 'churn-fit.worker.js'), { workerData: { input } });
    let answered = false;
    worker.once('message', (message: FitMessage) => {
      answered = true;
      if (message.ok) settle(message.value);
      else if (message.name === 'NothingToFitError') fail(new NothingToFitError(input.asOf));
      else fail(new Error(`Churn fit failed: ${message.message}`));
    });
    worker.once('error', (error) => {
      answered = true;
      fail(error);
    });
    worker.once('exit', (code) => {
      if (!answered)
        fail(new Error(`The churn fit's worker thread ended (code ${code}) without an answer`));
    });
  });
}
