#!/usr/bin/env node
/**
 * `npm start`: builds when any source is newer than the build, then runs the API in this process,
 * in the foreground, so that SIGTERM and SIGINT reach it directly and shut it down cleanly.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
// `npm start` runs the API, `npm run start:worker` the worker (projections and relay).
const app = process.argv[2] || process.env.TOUCHLINE_APP || 'api';
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

const stale = () => {
  const built = fs.existsSync(main) ? fs.statSync(main).mtimeMs : 0;
  const sources = Math.max(
    newestSource(path.join(root, 'apps')),
    newestSource(path.join(root, 'libs')),
    fs.statSync(path.join(root, 'tsconfig.json')).mtimeMs,
  );
  return sources > built;
};

/**
 * Several processes may start at once (a test suite, the API beside the worker): one builds, the
 * others wait for it and then find the build fresh. The lock is a directory (mkdir is atomic); one
 * left behind by a killed build is taken over after ten minutes.
 */
function withBuildLock(build) {
  const lock = path.join(root, '.build-lock');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 600_000) fs.rmSync(lock, { recursive: true });
      } catch {
        // Released meanwhile: try again.
      }
      Atomics.wait(pause, 0, 0, 200);
    }
  }
  try {
    build();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

if (stale()) {
  withBuildLock(() => {
    if (!stale()) return;
    process.stderr.write(`Building ${app}...\n`);
    execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', app], {
      cwd: root,
      stdio: 'inherit',
    });
  });
}
require(main);
