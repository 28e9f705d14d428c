/**
 * Producers for a scenario: each `step` runs again and again, all of them concurrently, until
 * stop(), which lets every producer finish the step it is in and resolves once all have (it
 * rejects with the first step that failed).
 */
export function keepProducing(steps: (() => Promise<void>)[]): { stop(): Promise<void> } {
  let stopped = false;
  const running = steps.map(async (step) => {
    while (!stopped) await step();
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(running);
    },
  };
}
