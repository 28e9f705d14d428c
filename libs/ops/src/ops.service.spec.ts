import type { EventStore, EventToAppend, JsonObject } from '@touchline/event-store';
import type { DataKeys, PersonalDataVault } from '@touchline/privacy';
import type { RebuildStarted } from '@touchline/projections';
import type { OpsActor } from './audit/ops-audit';
import { OpsService } from './ops.service';

/** OpsService's projection rebuilds with the audit trail's store faked: what each entry says. */

const actor: OpsActor = { kind: 'cli_user', id: 'ops-spec', host: 'test-host' };

function service(append: (events: EventToAppend[]) => Promise<void>): OpsService {
  const store = {
    appendToStream: (_stream: string, events: EventToAppend[]) => append(events),
  } as unknown as EventStore;
  return new OpsService(store, {} as DataKeys, {} as PersonalDataVault);
}

const started = (projection: string, generation: number): RebuildStarted => ({
  projection,
  version: 3,
  generation,
  alreadyRunning: generation > 2,
});

describe('OpsService projection rebuilds', () => {
  const entries: JsonObject[] = [];
  const ops = service(async (events) => void entries.push(...events.map((e) => e.data)));
  beforeEach(() => (entries.length = 0));

  it('starts each named rebuild on the given engine and audits them as started', async () => {
    const rebuild = jest.fn(async (name: string) => started(name, name === 'b' ? 3 : 2));
    expect(await ops.startRebuilds(actor, null, ['a', 'b'], { rebuild })).toEqual([
      started('a', 2),
      started('b', 3),
    ]);
    expect(rebuild.mock.calls).toEqual([['a'], ['b']]);
    expect(entries).toEqual([
      expect.objectContaining({
        actor: { ...actor },
        action: 'projections.rebuild',
        target: null,
        outcome: 'succeeded',
        detail: {
          phase: 'started',
          builds: [
            { projection: 'a', version: 3, generation: 2, joined: false },
            { projection: 'b', version: 3, generation: 3, joined: true },
          ],
        },
      }),
    ]);
  });

  it('audits how followed rebuilds ended: failed unless every one switched', async () => {
    const results = [
      { projection: 'a', generation: 2, result: 'switched' },
      { projection: 'b', generation: 3, result: 'timed out', error: 'no runner' },
    ];
    expect(await ops.finishRebuilds(actor, null, async () => results)).toBe(results);
    await ops.finishRebuilds(actor, 'a', async () => results.slice(0, 1));
    expect(entries.map((e) => [e.target, e.outcome, e.detail])).toEqual([
      [
        null,
        'failed',
        {
          phase: 'finished',
          results: [
            { projection: 'a', generation: 2, result: 'switched', error: null },
            { projection: 'b', generation: 3, result: 'timed out', error: 'no runner' },
          ],
        },
      ],
      [
        'a',
        'succeeded',
        {
          phase: 'finished',
          results: [{ projection: 'a', generation: 2, result: 'switched', error: null }],
        },
      ],
    ]);
  });

  it('a rebuild that cannot start is audited as failed and its error reaches the caller', async () => {
    const refused = new Error('projection registry unreachable');
    await expect(
      ops.startRebuilds(actor, 'a', ['a'], { rebuild: () => Promise.reject(refused) }),
    ).rejects.toBe(refused);
    expect(entries).toEqual([
      expect.objectContaining({
        target: 'a',
        outcome: 'failed',
        detail: { error: 'projection registry unreachable' },
      }),
    ]);
  });

  it('with the audit trail down: the rebuild error, not the audit error; a result only once audited', async () => {
    const down = service(() => Promise.reject(new Error('event store unreachable')));
    const refused = new Error('projection registry unreachable');
    await expect(
      down.startRebuilds(actor, 'a', ['a'], { rebuild: () => Promise.reject(refused) }),
    ).rejects.toBe(refused);
    await expect(
      down.startRebuilds(actor, 'a', ['a'], { rebuild: async () => started('a', 2) }),
    ).rejects.toThrow('event store unreachable');
  });
});
