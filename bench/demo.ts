/**
 * `npm run demo`: loads a seeded synthetic population (bench/population) into a running touchline
 * so that a newcomer sees the dashboard and the query API filled with plausible data.
 *
 *   npm start                                   # in one terminal (embedded profile)
 *   npm run demo                                # in another: finds the embedded admin key
 *   npm run demo -- --url https://touchline.example.com --key <key> --customers 5000 --seed 7
 *
 * The key needs the ingest scope to load and the analyst scope to wait for the read models (an
 * admin key has both; with ops too, the RFM and churn jobs are started when the service has them).
 * Loading the same seed again on the same day appends nothing: the event ids are derived from the
 * seed, so every event comes back as a duplicate.
 */
import { SingleBar } from 'cli-progress';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Population } from './population';
import { loadPopulation } from './lib/load-population';
import { TouchlineClient, TouchlineError } from './lib/touchline-client';

interface Options {
  url: string;
  key: string | undefined;
  customers: number;
  seed: number;
  batchSize: number;
  concurrency: number;
}

const USAGE = `usage: npm run demo -- [--url <url>] [--key <key>] [--customers <n>] [--seed <n>]
  --url        the service (default: TOUCHLINE_URL, else http://localhost:$PORT or :3000)
  --key        an API key with the ingest and analyst scopes (default: TOUCHLINE_KEY, else the
               embedded profile's admin key in $TOUCHLINE_DATA_DIR/admin-key, ./.touchline)
  --customers  customers to generate (default 2500: about 55,000 events)
  --seed       which population (default 1)`;

/** The key the embedded profile keeps in its data directory (libs/auth embedded-admin-key.ts), if any. */
function embeddedAdminKey(dataDir: string): string | undefined {
  try {
    return readFileSync(join(dataDir, 'admin-key'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const options: Options = {
    url: env.TOUCHLINE_URL ?? `http://localhost:${env.PORT ?? 3000}`,
    key: env.TOUCHLINE_KEY ?? embeddedAdminKey(env.TOUCHLINE_DATA_DIR ?? '.touchline'),
    customers: 2_500,
    seed: 1,
    batchSize: 500,
    concurrency: 2,
  };
  const value = (i: number): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${argv[i]} needs a value`);
    return v;
  };
  const integer = (i: number, min: number, max: number): number => {
    const n = Number(value(i));
    if (!Number.isInteger(n) || n < min || n > max)
      throw new UsageError(`${argv[i]} must be an integer from ${min} to ${max}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--url':
        options.url = value(i++);
        break;
      case '--key':
        options.key = value(i++);
        break;
      case '--customers':
        options.customers = integer(i++, 1, 10_000_000);
        break;
      case '--seed':
        options.seed = integer(i++, 0, 2 ** 31 - 1);
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown argument ${argv[i]}`);
    }
  }
  options.url = options.url.replace(/\/+$/, '');
  return options;
}

class UsageError extends Error {}

function say(message: string): void {
  process.stdout.write(`${message}\n`);
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message ? `demo: ${error.message}\n` : ''}${USAGE}\n`);
    return 2;
  }

  try {
    const live = await fetch(`${options.url}/health/live`);
    if (!live.ok) throw new Error(`answered ${live.status}`);
  } catch (error) {
    process.stderr.write(
      `demo: no touchline at ${options.url} (${(error as Error).message}).\n` +
        'Start it first with `npm start` (or pass --url / TOUCHLINE_URL).\n',
    );
    return 1;
  }
  if (!options.key) {
    process.stderr.write(
      'demo: an API key is needed (TOUCHLINE_KEY or --key).\n' +
        'The embedded profile keeps its admin key in .touchline/admin-key (TOUCHLINE_DATA_DIR), and\n' +
        '`npm start` prints it; run from the same folder, or: TOUCHLINE_KEY=tl_… npm run demo\n' +
        'Or start the service with keys of your own (TOUCHLINE_API_KEYS, docs/api.md#authentication).\n',
    );
    return 2;
  }
  const client = new TouchlineClient(options.url, options.key);
  const probe = await client.request('GET', '/v1/customers?limit=1');
  if (probe.status === 401) {
    process.stderr.write(`demo: ${options.url} does not know this key (401).\n`);
    return 2;
  }
  const canRead = probe.status === 200;

  const population = new Population({ seed: options.seed, customers: options.customers });
  say(
    `Loading ${options.customers.toLocaleString('en-US')} synthetic customers (seed ${options.seed}, ` +
      `${population.startAt.toISOString().slice(0, 10)} to ${population.endAt.toISOString().slice(0, 10)}) ` +
      `into ${options.url}`,
  );
  const bar = process.stderr.isTTY
    ? new SingleBar({
        format: '  {bar} {value} events sent, {customers} customers | {duration_formatted}',
        hideCursor: true,
      })
    : null;
  // The total is not known before generating: the bar counts up against a rough estimate.
  bar?.start(options.customers * 22, 0, { customers: 0 });
  let lastLogged = 0;
  const load = await loadPopulation(client, population, {
    batchSize: options.batchSize,
    concurrency: options.concurrency,
    onProgress: (events) => {
      if (bar) {
        bar.setTotal(Math.max(bar.getTotal(), events));
        bar.update(events);
      } else if (events - lastLogged >= 10_000) {
        lastLogged = events;
        say(`  ${events.toLocaleString('en-US')} events sent`);
      }
    },
  });
  bar?.stop();
  say(
    `Sent ${load.events.toLocaleString('en-US')} events of ${load.customers.toLocaleString('en-US')} customers ` +
      `in ${load.seconds} s: ${load.appended.toLocaleString('en-US')} appended, ` +
      `${load.duplicates.toLocaleString('en-US')} already there.`,
  );

  if (canRead) {
    say('Waiting for the read models to catch up...');
    // Each batch's last position; once the read models reached all of them they hold every event.
    for (const position of load.positions) await client.waitForPosition(position);
    say('The read models have every event.');
  } else {
    say(
      `This key cannot read the query API (GET /v1/customers answered ${probe.status}): ` +
        'not waiting for the read models.',
    );
  }

  await runAnalyticsJobs(client);

  say('');
  const dashboard = await client.request('GET', '/dashboard');
  if (dashboard.status !== 404)
    say(`Dashboard:  ${options.url}/dashboard  (sign in with an analyst or admin key)`);
  say(`API docs:   ${options.url}/docs`);
  const busiest = busiestCustomer(population, Math.min(options.customers, 200));
  say(
    `A customer: curl -H "Authorization: Bearer $TOUCHLINE_KEY" ${options.url}/v1/customers/${busiest}`,
  );
  return 0;
}

/**
 * The RFM recompute and churn refit, when this service has them (other parts of touchline add
 * them): found in the OpenAPI document as POST routes without path parameters.
 */
async function runAnalyticsJobs(client: TouchlineClient): Promise<void> {
  let routes: Set<string>;
  try {
    routes = await client.routes();
  } catch {
    return;
  }
  const jobs = [...routes].filter((r) => /^POST \/v1\/[^{}]*(rfm|churn)[^{}]*$/.test(r));
  for (const job of jobs) {
    const path = job.slice('POST '.length);
    const answer = await client.request('POST', path, { body: {} });
    if (answer.status >= 200 && answer.status < 300) say(`Started ${job}: ${answer.status}`);
    else
      say(
        `Could not start ${job} (${answer.status}${answer.status === 403 ? ': the key lacks the scope' : ''}).`,
      );
  }
}

/** The customer with the most touchpoints among the first `among`: the fullest page to look at. */
function busiestCustomer(population: Population, among: number): string {
  let best = { id: population.customerId(0), events: -1 };
  for (const customer of population.customersBetween(0, among))
    if (customer.events.length > best.events)
      best = { id: customer.customerId, events: customer.events.length };
  return best.id;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `demo: ${error instanceof TouchlineError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
