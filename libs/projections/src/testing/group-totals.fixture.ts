import { defineProjection } from '../projection.definition';

/**
 * A small identity-aware projection: per canonical customer, the purchases of its group; a
 * customer whose stream counts for another one keeps a pointer row naming it.
 */
export type Totals = { customer: string; counts: string | null; purchases: number; cents: number };

export const customer = (stream: string) => (stream.startsWith('c-') ? stream.slice(2) : null);

export const groupTotals = defineProjection<Totals>({
  name: 'group_totals',
  version: 1,
  handles: ['purchase', 'merged', 'unmerged', 'linked'],
  identity: {
    changes: (e) => {
      if (e.type === 'merged')
        return [
          {
            kind: 'link',
            alias: `c-${String(e.data.merged)}`,
            into: `c-${String(e.data.survivor)}`,
          },
        ];
      if (e.type === 'unmerged')
        return [
          {
            kind: 'unlink',
            alias: `c-${String(e.data.merged)}`,
            from: `c-${String(e.data.survivor)}`,
          },
        ];
      if (e.type === 'linked')
        return [{ kind: 'link', alias: `a-${String(e.data.anonymous)}`, into: e.streamId }];
      return [];
    },
  },
  rowKey: (e, { canonical }) => {
    const root = customer(canonical);
    if (root === null) return null;
    const own = customer(e.streamId);
    return own !== null && own !== root ? [root, own] : root;
  },
  evolve: (row, e, { key, canonical }) => {
    const root = customer(canonical)!;
    const current = row ?? { customer: key, counts: null, purchases: 0, cents: 0 };
    if (key !== root) return { customer: key, counts: root, purchases: 0, cents: 0 };
    if (e.type !== 'purchase') return current;
    if (typeof e.data.cents !== 'number' || e.data.cents < 0) throw new RangeError('bad amount');
    return { ...current, purchases: current.purchases + 1, cents: current.cents + e.data.cents };
  },
  onPoison: 'dead-letter',
});
