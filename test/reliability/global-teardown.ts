import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, tmpdir } from 'node:os';
import { FIGURES_DIR } from './support/figures';

/**
 * Removes the private build, and gathers the scenarios' figures into one Markdown table:
 * reports/reliability/figures.md.
 */
export default function globalTeardown(): void {
  const build = process.env.TOUCHLINE_RELIABILITY_BUILD_DIR;
  if (build && build.startsWith(tmpdir())) rmSync(build, { recursive: true, force: true });
  if (!existsSync(FIGURES_DIR)) return;
  const lines = [
    `Reliability run of ${new Date().toISOString()} on ${cpus().length} cores (${process.platform}, node ${process.version})`,
    '',
    '| scenario | figures |',
    '|---|---|',
  ];
  for (const file of readdirSync(FIGURES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const {
      scenario,
      at: _at,
      ...figures
    } = JSON.parse(readFileSync(join(FIGURES_DIR, file), 'utf8')) as Record<string, unknown>;
    const text = Object.entries(figures)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ');
    lines.push(`| ${String(scenario)} | ${text} |`);
  }
  writeFileSync(join(FIGURES_DIR, 'figures.md'), `${lines.join('\n')}\n`);
}
