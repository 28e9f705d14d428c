import { IdentityGraph } from './identity-graph';

const link = (alias: string, into: string) => ({ kind: 'link', alias, into }) as const;
const unlink = (alias: string, from: string) => ({ kind: 'unlink', alias, from }) as const;

describe('IdentityGraph', () => {
  it('resolves chains to their root and lists a group depth first', () => {
    const graph = new IdentityGraph();
    expect(graph.root('a')).toBe('a');
    expect(graph.apply(link('a', 'b'), 'p1')).toEqual({
      streams: ['a', 'b'],
      before: new Map([
        ['a', 'a'],
        ['b', 'b'],
      ]),
      after: new Map([
        ['a', 'b'],
        ['b', 'b'],
      ]),
    });
    const move = graph.apply(link('b', 'c'), 'p2')!;
    expect(move.streams).toEqual(['a', 'b', 'c']);
    expect([...move.before]).toEqual([
      ['a', 'b'],
      ['b', 'b'],
      ['c', 'c'],
    ]);
    expect([...move.after.values()]).toEqual(['c', 'c', 'c']);
    expect(graph.root('a')).toBe('c');
    expect(graph.members('c')).toEqual(['c', 'b', 'a']);
    expect(graph.links()).toEqual([
      { alias: 'a', parent: 'b', position: 'p1' },
      { alias: 'b', parent: 'c', position: 'p2' },
    ]);
  });

  it('refuses links to itself, repeated links and cycles: nothing moves', () => {
    const graph = new IdentityGraph([
      { alias: 'a', parent: 'b', position: 'p1' },
      { alias: 'b', parent: 'c', position: 'p2' },
    ]);
    expect(graph.apply(link('a', 'a'), 'p3')).toBeNull();
    expect(graph.apply(link('a', 'b'), 'p3')).toBeNull();
    expect(graph.apply(link('c', 'a'), 'p3')).toBeNull();
    expect(graph.apply(link('b', 'a'), 'p3')).toBeNull();
    expect(graph.changes().size).toBe(0);
    expect(graph.root('a')).toBe('c');
  });

  it('a link within the same group moves no stream to another root but is recorded', () => {
    const graph = new IdentityGraph([
      { alias: 'a', parent: 'b', position: 'p1' },
      { alias: 'b', parent: 'c', position: 'p2' },
    ]);
    expect(graph.apply(link('a', 'c'), 'p3')).toBeNull();
    expect(graph.parentOf('a')).toBe('c');
    expect(graph.changes()).toEqual(new Map([['a', { parent: 'c', position: 'p3' }]]));
  });

  it('unlinks only from the parent named; the unlinked stream keeps what hangs under it', () => {
    const graph = new IdentityGraph([
      { alias: 'a', parent: 'b', position: 'p1' },
      { alias: 'b', parent: 'c', position: 'p2' },
      { alias: 'x', parent: 'c', position: 'p2' },
    ]);
    expect(graph.apply(unlink('b', 'x'), 'p3')).toBeNull();
    const move = graph.apply(unlink('b', 'c'), 'p4')!;
    expect(move.streams).toEqual(['a', 'b', 'c', 'x']);
    expect([...move.before.values()]).toEqual(['c', 'c', 'c', 'c']);
    expect([...move.after.values()]).toEqual(['b', 'b', 'c', 'c']);
    expect(graph.root('a')).toBe('b');
    expect(graph.changes()).toEqual(new Map([['b', null]]));
  });

  it('a link replaces the previous parent: a visitor claimed by another customer moves', () => {
    const graph = new IdentityGraph([{ alias: 'anon', parent: 'c1', position: 'p1' }]);
    const move = graph.apply(link('anon', 'c2'), 'p2')!;
    expect([...move.before]).toEqual([
      ['anon', 'c1'],
      ['c1', 'c1'],
      ['c2', 'c2'],
    ]);
    expect(graph.root('anon')).toBe('c2');
    expect(graph.members('c1')).toEqual(['c1']);
  });

  it('clones independently', () => {
    const graph = new IdentityGraph([{ alias: 'a', parent: 'b', position: 'p1' }]);
    const copy = graph.clone();
    copy.apply(unlink('a', 'b'), 'p2');
    expect(graph.root('a')).toBe('b');
    expect(copy.root('a')).toBe('a');
  });
});
