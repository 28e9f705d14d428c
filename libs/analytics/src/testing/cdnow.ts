/**
 * The CDNOW acceptance sample (shared/data/cdnow, see its README), found beside the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface CdnowRow {
  id: number;
  /** Repeat purchases. */
  x: number;
  /** Weeks from first to last repeat purchase (2 decimals). */
  t_x: number;
  /** Weeks from first purchase to 1997-09-30 (2 decimals). */
  T: number;
  /** Mean repeat-purchase value. */
  zbar: number;
}

const FILE = 'data/cdnow/cdnow_sample_summary.csv';

/** Throws, naming every place it looked, when the sample is missing: the test must not pass. */
export function loadCdnowSample(): CdnowRow[] {
  const repoRoot = resolve(__dirname, '../../../..');
  const candidates = [resolve(repoRoot, '../shared', FILE), resolve(repoRoot, 'shared', FILE)];
  const path = candidates.find((candidate) => existsSync(candidate));
  if (!path) {
    throw new Error(
      `CDNOW sample not found; looked for ${candidates.join(' and ')}. It lives in the shared ` +
        `folder beside the repository (../shared/${FILE}).`,
    );
  }
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  if (header.trim() !== 'ID,x,t_x,T,zbar')
    throw new Error(`unexpected CDNOW header in ${path}: ${header}`);
  return lines.map((line) => {
    const [id, x, t_x, T, zbar] = line.split(',').map(Number);
    return { id, x, t_x, T, zbar };
  });
}
