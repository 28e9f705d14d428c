import { Inject } from '@nestjs/common';
import { OpsService, type OpsActor } from '@touchline/ops';
import {
  ProjectionEngine,
  RebuildNotCompletedError,
  type ProjectionStatus,
  type RebuildStarted,
} from '@touchline/projections';
import { MultiBar, type SingleBar } from 'cli-progress';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { CLI_ACTOR, CLI_IO, errorMessage, type CliIo } from '../cli-io';

/** The projections this CLI knows (the read models'): the names `rebuild` accepts. */
export const CLI_PROJECTION_NAMES = Symbol('CLI_PROJECTION_NAMES');
import { table } from '../format';

/** Exit codes of `touchline projections rebuild`: scripts branch on them. */
export const REBUILD_EXIT = { switched: 0, failed: 1, usage: 2 } as const;
export type RebuildExit = (typeof REBUILD_EXIT)[keyof typeof REBUILD_EXIT];

export interface StatusOptions {
  json?: boolean;
}

@SubCommand({
  name: 'status',
  description:
    'Every projection: version, generation, state, position, lag (events and seconds), health, ' +
    'last error, and the progress of a rebuild under way. Exit 0; 1 on an error.',
})
export class ProjectionsStatusCommand extends CommandRunner {
  constructor(
    private readonly engine: ProjectionEngine,
    @Inject(CLI_IO) private readonly io: CliIo,
  ) {
    super();
  }

  async run(_params: string[], options: StatusOptions = {}): Promise<void> {
    process.exitCode = await this.execute(options);
  }

  async execute(options: StatusOptions): Promise<0 | 1> {
    let statuses: ProjectionStatus[];
    try {
      statuses = await this.engine.status();
    } catch (error) {
      this.io.err.write(`touchline projections status: ${errorMessage(error)}\n`);
      return 1;
    }
    if (options.json) {
      this.io.out.write(`${JSON.stringify(statuses, null, 2)}\n`);
      return 0;
    }
    if (statuses.length === 0) {
      this.io.out.write(
        'No projections yet: they are created when the API or the worker starts.\n',
      );
      return 0;
    }
    const rows = statuses.map((s) => [
      s.name,
      String(s.version),
      String(s.generation),
      s.rebuild
        ? `${s.state} (g${s.rebuild.generation}: ${s.rebuild.applied}/${s.rebuild.total})`
        : s.state,
      s.checkpoint ?? '-',
      String(s.lagEvents),
      s.lagSeconds.toFixed(1),
      s.healthy
        ? 'healthy'
        : s.state === 'failed'
          ? 'failed'
          : `stalled ${Math.round(s.stalledForMs / 1000)}s`,
      s.lastError?.message ?? s.rebuild?.lastError ?? '',
    ]);
    this.io.out.write(
      `${table(
        [
          'NAME',
          'VERSION',
          'GENERATION',
          'STATE',
          'POSITION',
          'LAG',
          'LAG S',
          'HEALTH',
          'LAST ERROR',
        ],
        rows,
        [32, 8, 10, 36, 28, 10, 8, 14, 60],
      )}\n`,
    );
    return 0;
  }

  @Option({ flags: '--json', description: 'print JSON instead of a table' })
  parseJson(): boolean {
    return true;
  }
}

/** How a followed rebuild ended: `switched`, or why not. */
interface FollowedRebuild {
  projection: string;
  generation: number;
  result: string;
  error?: string;
}

export interface RebuildOptions {
  all?: boolean;
  wait?: boolean;
  timeout?: number;
}

@SubCommand({
  name: 'rebuild',
  arguments: '[name]',
  description:
    'Rebuilds a projection (or --all) from the start of the log beside the live copy; reads switch ' +
    'to it once it has caught up. The running API or worker does the work; this command starts it ' +
    'and follows it. Exit 0: switched; 1: failed, cancelled, stopped or timed out; 2: bad usage or ' +
    'unknown projection.',
})
export class ProjectionsRebuildCommand extends CommandRunner {
  constructor(
    private readonly engine: ProjectionEngine,
    private readonly ops: OpsService,
    @Inject(CLI_IO) private readonly io: CliIo,
    @Inject(CLI_ACTOR) private readonly actor: OpsActor,
    @Inject(CLI_PROJECTION_NAMES) private readonly defined: readonly string[],
  ) {
    super();
  }

  async run([name]: string[], options: RebuildOptions = {}): Promise<void> {
    process.exitCode = await this.execute(name, options);
  }

  async execute(name: string | undefined, options: RebuildOptions): Promise<RebuildExit> {
    const usage = (problem: string): RebuildExit => {
      this.io.err.write(`touchline projections rebuild: ${problem}\n`);
      return REBUILD_EXIT.usage;
    };
    const failed = (error: unknown): RebuildExit => {
      this.io.err.write(`touchline projections rebuild: ${errorMessage(error)}\n`);
      return REBUILD_EXIT.failed;
    };
    if (name !== undefined && options.all)
      return usage('give a projection name or --all, not both');
    if (name === undefined && !options.all) return usage('give a projection name, or --all');
    if (options.timeout !== undefined && !(options.timeout > 0))
      return usage('--timeout must be a positive number of seconds');

    let names: string[];
    try {
      // Rebuildable: defined in this code base and created in the database (by the API or worker).
      const created = new Set((await this.engine.status()).map((s) => s.name));
      const known = this.defined.filter((n) => created.has(n));
      if (name !== undefined && !known.includes(name))
        return usage(`unknown projection "${name}" (known: ${known.join(', ') || 'none'})`);
      names = name !== undefined ? [name] : known;
    } catch (error) {
      return failed(error);
    }

    // Through OpsService, as every ops action: audited when started and when finished, and an
    // audit entry that cannot be written never hides the rebuild's own error.
    const target = name ?? null;
    let started: RebuildStarted[];
    try {
      started = await this.ops.startRebuilds(this.actor, target, names, this.engine);
    } catch (error) {
      return failed(error);
    }
    for (const s of started) {
      this.io.err.write(
        `${s.projection}: ${s.alreadyRunning ? 'joined the rebuild' : 'rebuilding'} as generation ${s.generation} (version ${s.version})\n`,
      );
    }
    if (options.wait === false) return REBUILD_EXIT.switched;

    let results: FollowedRebuild[];
    try {
      results = await this.ops.finishRebuilds(this.actor, target, () =>
        this.follow(started, options.timeout),
      );
    } catch (error) {
      return failed(error);
    }
    for (const r of results) {
      this.io.out.write(
        r.result === 'switched'
          ? `${r.projection}: switched to generation ${r.generation}\n`
          : `${r.projection}: generation ${r.generation} ${r.result}${r.error ? `: ${r.error}` : ''}\n`,
      );
    }
    return results.every((r) => r.result === 'switched')
      ? REBUILD_EXIT.switched
      : REBUILD_EXIT.failed;
  }

  /** Progress bars (applied / total events, with ETA) until every rebuild switched or failed. */
  private async follow(
    started: RebuildStarted[],
    timeoutSeconds: number | undefined,
  ): Promise<FollowedRebuild[]> {
    const bars = new MultiBar({
      stream: this.io.err,
      format: '{projection} |{bar}| {percentage}% | {value}/{total} events | ETA {eta_formatted}',
      etaBuffer: 50,
      noTTYOutput: true,
      notTTYSchedule: 10_000,
      hideCursor: true,
    });
    const progress = new Map<string, SingleBar>();
    let done = false;
    let idleSince = Date.now();
    let hinted = false;
    let lastApplied = -1;
    const poll = async () => {
      while (!done) {
        const statuses = await this.engine.status().catch(() => []);
        let applied = 0;
        for (const s of started) {
          const status = statuses.find((x) => x.name === s.projection);
          const rebuild = status?.rebuild?.generation === s.generation ? status.rebuild : null;
          if (!rebuild) continue;
          applied += rebuild.applied;
          const bar = progress.get(s.projection);
          if (!bar) {
            progress.set(
              s.projection,
              bars.create(rebuild.total, rebuild.applied, { projection: s.projection }),
            );
          } else {
            bar.setTotal(rebuild.total);
            bar.update(rebuild.applied, { projection: s.projection });
          }
        }
        if (applied !== lastApplied) {
          lastApplied = applied;
          idleSince = Date.now();
        } else if (!hinted && Date.now() - idleSince > 15_000) {
          hinted = true;
          bars.log(
            'No progress for 15 s: is the API or the worker running the projections? (see `touchline projections status`)\n',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    };
    const polling = poll();
    try {
      return await Promise.all(
        started.map(async (s) => {
          try {
            await this.engine.waitForRebuild(s.projection, s.generation, {
              timeoutMs: timeoutSeconds !== undefined ? timeoutSeconds * 1000 : 2 ** 31 - 1,
            });
            progress.get(s.projection)?.update(progress.get(s.projection)!.getTotal());
            return { projection: s.projection, generation: s.generation, result: 'switched' };
          } catch (error) {
            if (error instanceof RebuildNotCompletedError) {
              return {
                projection: s.projection,
                generation: s.generation,
                result: error.reason === 'timeout' ? 'timed out' : error.reason,
                ...(error.lastError ? { error: error.lastError } : {}),
              };
            }
            return {
              projection: s.projection,
              generation: s.generation,
              result: 'failed',
              error: errorMessage(error),
            };
          }
        }),
      );
    } finally {
      done = true;
      await polling;
      bars.stop();
    }
  }

  @Option({ flags: '--all', description: 'rebuild every projection' })
  parseAll(): boolean {
    return true;
  }

  @Option({
    flags: '--no-wait',
    description: 'start the rebuild and return (exit 0) without following it',
  })
  parseNoWait(): boolean {
    return false;
  }

  @Option({
    flags: '--timeout <seconds>',
    description: 'give up following after this long (exit 1); the rebuild itself goes on',
  })
  parseTimeout(value: string): number {
    return Number(value);
  }
}

@Command({
  name: 'projections',
  description: 'Projection status and rebuilds (see docs/projections.md)',
  subCommands: [ProjectionsStatusCommand, ProjectionsRebuildCommand],
})
export class ProjectionsCommand extends CommandRunner {
  constructor(@Inject(CLI_IO) private readonly io: CliIo) {
    super();
  }

  async run(): Promise<void> {
    this.io.err.write('touchline projections: use `status` or `rebuild <name> | --all`\n');
    process.exitCode = REBUILD_EXIT.usage;
  }
}
