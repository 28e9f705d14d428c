import type { BrokenLink, JourneyReplay, StreamVerification } from '@touchline/ops';

/** A plain-text table: columns as wide as their widest cell, capped; cut cells end with "…". */
export function table(headers: string[], rows: string[][], maxWidths: number[] = []): string {
  const cut = (cell: string, i: number) => {
    const max = maxWidths[i];
    const flat = cell.replace(/\s+/g, ' ');
    return max && flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  };
  const cells = [headers, ...rows].map((row) => row.map(cut));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const [head, ...body] = cells;
  return [line(head!), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function describeBreak(link: BrokenLink): string {
  return (
    `BROKEN at revision ${link.revision} (${link.reason})\n` +
    `    expected: ${link.expected}\n` +
    `    actual:   ${link.actual}`
  );
}

export function describeVerification(result: StreamVerification): string {
  const head = result.headChecked ? 'head checked' : 'no stream head to compare';
  return result.firstBroken
    ? `${result.streamId}: ${describeBreak(result.firstBroken)}`
    : `${result.streamId}: intact (${result.events} events, ${head})`;
}

const iso = (date: Date | null) => (date ? date.toISOString() : '—');

export function journeyText(replay: JourneyReplay): string {
  const window = [
    `as of ${replay.asOf ? replay.asOf.toISOString() : 'now'}`,
    replay.from ? `occurred from ${replay.from.toISOString()}` : '',
    replay.to ? `before ${replay.to.toISOString()}` : '',
  ].filter(Boolean);
  const lines = [
    `Journey of customer ${replay.customerId}, ${window.join(', ')}: ` +
      `${replay.events.length} of ${replay.recorded} recorded events`,
  ];
  if (replay.integrity) {
    for (const stream of replay.integrity.streams)
      lines.push(`Chain ${describeVerification(stream)}`);
  } else {
    lines.push('Chain: not verifiable (this event store keeps no hash chain)');
  }
  const multi = replay.streams.length > 1;
  lines.push(
    '',
    table(
      [
        ...(multi ? ['STREAM'] : []),
        'REV',
        'RECORDED',
        'OCCURRED',
        'TYPE',
        'PRODUCER',
        'CORRELATION',
        'CAUSATION',
        'DATA',
      ],
      replay.events.map((e) => [
        ...(multi ? [e.streamId] : []),
        String(e.revision),
        iso(e.recordedAt),
        iso(e.occurredAt),
        `${e.type} v${e.version}${e.upcastError ? ' (as recorded)' : ''}`,
        e.producer ?? '—',
        e.correlationId ?? '—',
        e.causationId ?? '—',
        JSON.stringify(e.data),
      ]),
      [...(multi ? [40] : []), 0, 0, 0, 32, 24, 24, 24, 80],
    ),
  );
  return `${lines.join('\n')}\n`;
}
