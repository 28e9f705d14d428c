import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/service-process';

export const FIGURES_DIR = join(REPO_ROOT, 'reports', 'reliability');

export type Figures = Record<string, string | number | boolean | null>;

/**
 * Records what a scenario did and found (rounds, requests, events, losses, durations) in
 * reports/reliability/<scenario>.json; global-teardown.ts gathers them into
 * reports/reliability/figures.md, the table docs/reliability.md quotes.
 */
export function recordFigures(scenario: string, figures: Figures): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(
    join(FIGURES_DIR, `${scenario}.json`),
    `${JSON.stringify({ scenario, at: new Date().toISOString(), ...figures }, null, 2)}\n`,
  );
}
