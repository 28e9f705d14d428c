import type { ProjectionStatus } from '@touchline/projections';
import { shared, sharedProjectionStatus } from './state-gauges';

/** The one read that probes and scrapes share: in flight, for a while after, never for good. */
describe('shared reads', () => {
  beforeEach(() => {
    // Date and performance.now move only when the test says; promises run as usual.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('gives every caller the read in flight, and its result for ttlMs after it arrives', async () => {
    let answer: (value: number) => void = () => undefined;
    const source = jest.fn(() => new Promise<number>((resolve) => (answer = resolve)));
    const read = shared(source, 1_000, 10_000);

    const first = read();
    jest.advanceTimersByTime(5_000); // a slow read is still the one read
    expect(read()).toBe(first);
    expect(source).toHaveBeenCalledTimes(1);

    answer(7);
    expect(await first).toBe(7);
    // The time to live counts from the answer, not from the start of the read.
    jest.advanceTimersByTime(1_000);
    expect(read()).toBe(first);
    jest.advanceTimersByTime(1);
    const second = read();
    expect(second).not.toBe(first);
    expect(source).toHaveBeenCalledTimes(2);
  });

  it('gives up a read that hangs longer than maxWaitMs for a fresh one', async () => {
    let calls = 0;
    const read = shared(
      () => (++calls === 1 ? new Promise<number>(() => undefined) : Promise.resolve(calls)),
      1_000,
      10_000,
    );
    const hung = read();
    jest.advanceTimersByTime(10_000);
    expect(read()).toBe(hung);
    jest.advanceTimersByTime(1);
    expect(await read()).toBe(2);
    expect(calls).toBe(2);
  });

  it('turns a read that throws at once into a failed read, not kept', async () => {
    let calls = 0;
    const read = shared(() => {
      if (++calls === 1) throw new Error('no connection');
      return Promise.resolve(calls);
    });
    await expect(read()).rejects.toThrow('no connection');
    expect(await read()).toBe(2);
  });

  it('wraps a shared read only once: a second cache would only make it older', () => {
    const once = shared(async () => 1);
    expect(shared(once)).toBe(once);
  });

  it("shares each engine's status between everyone who asks for it", async () => {
    const statuses: ProjectionStatus[] = [];
    const engine = { status: jest.fn(async () => statuses) };
    const other = { status: jest.fn(async () => statuses) };
    expect(sharedProjectionStatus(engine)).toBe(sharedProjectionStatus(engine));
    expect(sharedProjectionStatus(other)).not.toBe(sharedProjectionStatus(engine));
    await Promise.all([sharedProjectionStatus(engine)(), sharedProjectionStatus(engine)()]);
    expect(engine.status).toHaveBeenCalledTimes(1);
  });
});
