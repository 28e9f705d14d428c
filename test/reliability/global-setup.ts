import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../support/service-process';
import { FIGURES_DIR } from './support/figures';
import { seedFromEnv } from './support/random';

const NEST = require.resolve('@nestjs/cli/bin/nest.js', { paths: [REPO_ROOT] });

/**
 * Builds the service once, before any scenario starts it (each scenario restarts it many times).
 *
 * - CI (`CI=true`, a clean checkout) and TOUCHLINE_RELIABILITY_BUILD=dist: `nest build api` into
 *   dist/, as `npm start` would; the scenarios start it through scripts/start.js, the user's way.
 * - TOUCHLINE_RELIABILITY_MAIN=<main.js> of an earlier private build: used as it is (iterating).
 * - Elsewhere (TOUCHLINE_RELIABILITY_BUILD=private, the default off CI): the same `nest build api`
 *   with the same tsconfig.build.json, but into a private folder under the OS temp dir, and the
 *   scenarios run its main.js directly. A working tree that others are editing then cannot
 *   change the service under test half-way through the run, nor fail a restart by being
 *   mid-edit. Type errors there do not stop the run when the build still emitted the service
 *   (typecheck is CI's job); a build that emitted nothing is retried twice, then fails the run.
 */
export default function globalSetup(): void {
  rmSync(FIGURES_DIR, { recursive: true, force: true });
  process.env.TOUCHLINE_RELIABILITY_SEED ??= String(seedFromEnv());
  process.stderr.write(
    `\nreliability: seed ${process.env.TOUCHLINE_RELIABILITY_SEED} (TOUCHLINE_RELIABILITY_SEED=${process.env.TOUCHLINE_RELIABILITY_SEED} replays it)\n`,
  );
  const mode =
    process.env.TOUCHLINE_RELIABILITY_BUILD ?? (process.env.CI === 'true' ? 'dist' : 'private');
  const started = Date.now();
  const prebuilt = process.env.TOUCHLINE_RELIABILITY_MAIN;
  if (prebuilt && existsSync(prebuilt)) {
    process.stderr.write(`reliability: using the service built at ${prebuilt}\n`);
    return;
  }
  if (mode === 'dist') {
    execFileSync(process.execPath, [NEST, 'build', 'api'], { cwd: REPO_ROOT, stdio: 'inherit' });
    delete process.env.TOUCHLINE_RELIABILITY_MAIN;
  } else {
    const { dir, main } = privateBuild();
    process.env.TOUCHLINE_RELIABILITY_MAIN = main;
    // Removed by global-teardown.ts; a reused build (TOUCHLINE_RELIABILITY_MAIN) is left alone.
    process.env.TOUCHLINE_RELIABILITY_BUILD_DIR = dir;
  }
  process.stderr.write(
    `reliability: built the service (${mode}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

function privateBuild(): { dir: string; main: string } {
  const dir = join(tmpdir(), `touchline-reliability-${process.pid}`);
  const outDir = join(dir, 'dist');
  const main = join(outDir, 'apps', 'api', 'src', 'main.js');
  mkdirSync(dir, { recursive: true });
  const tsconfig = join(dir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(REPO_ROOT, 'tsconfig.build.json'),
      compilerOptions: {
        outDir,
        incremental: false,
        typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
      },
      include: [
        join(REPO_ROOT, 'apps', 'api', 'src', '**', '*'),
        join(REPO_ROOT, 'libs', '**', '*'),
      ],
    }),
  );
  // nest resolves -p against the workspace root, even an absolute path.
  const project = relative(REPO_ROOT, tsconfig);
  for (let attempt = 1; ; attempt++) {
    rmSync(outDir, { recursive: true, force: true });
    try {
      execFileSync(process.execPath, [NEST, 'build', 'api', '-p', project], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const output = String((error as { stdout?: Buffer }).stdout ?? '');
      if (!existsSync(main) && attempt < 3) continue;
      if (!existsSync(main)) throw new Error(`the service did not build:\n${output.slice(-4000)}`);
      process.stderr.write(
        `reliability: the working tree has type errors (not this suite's concern; the build emitted the service):\n${output
          // eslint-disable-next-line no-control-regex
          .replace(/\x1b\[[0-9;]*m/g, '')
          .split('\n')
          .filter((line) => /error TS/.test(line))
          .slice(0, 10)
          .join('\n')}\n`,
      );
    }
    copyAssets(outDir);
    return { dir, main };
  }
}

/**
 * Non-code files a library reads beside its compiled code (libs/<lib>/assets), which nest-cli.json
 * copies into dist/ on a normal build. Copied here too, so that a library whose copy rule is not in
 * nest-cli.json yet still starts from the private build (CI builds dist/ the normal way).
 */
function copyAssets(outDir: string): void {
  const libs = join(REPO_ROOT, 'libs');
  for (const lib of readdirSync(libs)) {
    const assets = join(libs, lib, 'assets');
    const target = join(outDir, 'libs', lib, 'assets');
    if (existsSync(assets) && !existsSync(target)) cpSync(assets, target, { recursive: true });
  }
}
