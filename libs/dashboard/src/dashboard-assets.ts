import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

export interface Asset {
  body: Buffer;
  contentType: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Only plain names are served: no path separators, no dot files. */
export const ASSET_NAME = /^[a-z0-9][a-z0-9.-]*\.(html|js|css|svg)$/;

/**
 * The dashboard's files, read once at start: from the built copy beside the compiled code
 * (dist/libs/dashboard/assets, copied by `nest build`, see nest-cli.json) or from the source tree
 * when running from source (tests, ts-node). ECharts comes from node_modules, never a CDN.
 */
export function loadDashboardAssets(dir = findAssetsDir()): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    if (!ASSET_NAME.test(name)) continue;
    assets.set(name, { body: readFileSync(join(dir, name)), contentType: TYPES[extname(name)]! });
  }
  if (!assets.has('index.html')) throw new Error(`The dashboard's index.html is missing in ${dir}`);
  assets.set('echarts.min.js', {
    body: readFileSync(require.resolve('echarts/dist/echarts.min.js')),
    contentType: TYPES['.js']!,
  });
  return assets;
}

function findAssetsDir(): string {
  const candidates = [join(__dirname, '..', 'assets')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found)
    throw new Error(`The dashboard's assets are missing (looked in ${candidates.join(', ')})`);
  return found;
}
