/** Child process of compareSystems (bench/lib/compare.ts): one system, one task, one answer. */
import { runCompareTask, type CompareTask } from './compare';

const task = JSON.parse(process.argv[2]!) as CompareTask;
runCompareTask(task).then(
  (result) => process.send!({ result }, () => process.exit(0)),
  (error: unknown) =>
    process.send!(
      { error: error instanceof Error ? (error.stack ?? error.message) : String(error) },
      () => process.exit(1),
    ),
);
