#!/usr/bin/env node
/**
 * `npm start`: builds when any source is newer than the build, then runs the API in this process,
 * in the foreground, so that SIGTERM and SIGINT reach it directly and shut it down cleanly.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const app = process.env.TOUCHLINE_APP || 'api';
const main = path.join(root, 'dist', 'apps', app, 'src', 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name)) {
      newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  }
  return newest;
}

const built = fs.existsSync(main) ? fs.statSync(main).mtimeMs : 0;
const sources = Math.max(
  newestSource(path.join(root, 'apps')),
  newestSource(path.join(root, 'libs')),
  fs.statSync(path.join(root, 'tsconfig.json')).mtimeMs,
);
if (sources > built) {
  process.stderr.write(`Building ${app}...\n`);
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', app], {
    cwd: root,
    stdio: 'inherit',
  });
}
require(main);
