import { RF_SEGMENT_RULES, rfSegment, type RfmScore, type RfSegment } from '@touchline/analytics';
import type { RfmSnapshotHeader } from './sql/replaceRfmSnapshot';

const SCORES: readonly RfmScore[] = [1, 2, 3, 4, 5];
const LABEL = new Map(RF_SEGMENT_RULES.map((rule) => [rule.segment, rule.label]));

export interface RfmDistributionView {
  asOf: string;
  computedAt: string;
  windowDays: number;
  /** Customers scored: those with a purchase at or before asOf. */
  customers: number;
  durationMs: number;
  r: { score: RfmScore; customers: number }[];
  f: { score: RfmScore; customers: number }[];
  m: { score: RfmScore; customers: number }[];
  /** The 25 R × F cells, R descending then F ascending, each with its segment. */
  grid: { r: RfmScore; f: RfmScore; segment: RfSegment; label: string; customers: number }[];
  /** Every segment of the map, in the map's order, empty ones included. */
  segments: { segment: RfSegment; label: string; customers: number }[];
}

/** The snapshot's distribution from its (R, F, M) cell counts; every score and cell is listed. */
export function rfmDistribution(
  header: RfmSnapshotHeader,
  cells: readonly { r: number; f: number; m: number; customers: number }[],
): RfmDistributionView {
  const count = (pick: (c: { r: number; f: number; m: number }) => boolean) =>
    cells.filter(pick).reduce((sum, c) => sum + c.customers, 0);
  const grid: RfmDistributionView['grid'] = [];
  for (const r of [...SCORES].reverse()) {
    for (const f of SCORES) {
      const segment = rfSegment(r, f);
      grid.push({
        r,
        f,
        segment,
        label: LABEL.get(segment)!,
        customers: count((c) => c.r === r && c.f === f),
      });
    }
  }
  return {
    asOf: header.asOf.toISOString(),
    computedAt: header.computedAt.toISOString(),
    windowDays: header.windowDays,
    customers: header.customers,
    durationMs: header.durationMs,
    r: SCORES.map((score) => ({ score, customers: count((c) => c.r === score) })),
    f: SCORES.map((score) => ({ score, customers: count((c) => c.f === score) })),
    m: SCORES.map((score) => ({ score, customers: count((c) => c.m === score) })),
    grid,
    segments: RF_SEGMENT_RULES.map((rule) => ({
      segment: rule.segment,
      label: rule.label,
      customers: grid
        .filter((g) => g.segment === rule.segment)
        .reduce((s, g) => s + g.customers, 0),
    })),
  };
}
