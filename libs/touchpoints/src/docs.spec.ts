import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES } from './event-types';
import { touchpointExample } from './examples';
import { personalFields } from './personal-data';
import { NOW } from './testing/test-helpers';
import { toEventToAppend } from './to-event';
import { validateJourneyEvent } from './validation/validate-touchpoint';

/** docs/events.md is the producers' contract: its examples and tables must match the code. */
const doc = readFileSync(join(__dirname, '../../../docs/events.md'), 'utf8');
const jsonBlocks = [...doc.matchAll(/```json\n([\s\S]*?)\n```/g)].map(
  (m) => JSON.parse(m[1]!) as Record<string, unknown>,
);

describe('docs/events.md', () => {
  it('has a section with a valid example for every event type', () => {
    for (const type of EVENT_TYPES) {
      const start = doc.indexOf(`\n### ${type}\n`);
      expect({ type, found: start >= 0 }).toEqual({ type, found: true });
      const end = doc.indexOf('\n### ', start + 1);
      const section = doc.slice(start, end === -1 ? undefined : end);
      const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(section)![1]!) as unknown;
      expect(example).toEqual(touchpointExample(type));
    }
  });

  it('shows only valid events', () => {
    const events = jsonBlocks.filter((block) => 'eventId' in block);
    expect(events.length).toBeGreaterThanOrEqual(EVENT_TYPES.length);
    for (const event of events) {
      const result = validateJourneyEvent(event, { now: NOW });
      expect({ type: event.type, errors: result.ok ? [] : result.errors }).toEqual({
        type: event.type,
        errors: [],
      });
    }
  });

  it('shows the stored shape that toEventToAppend gives', () => {
    const stored = jsonBlocks.find((block) => 'streamId' in block);
    const result = validateJourneyEvent(touchpointExample('purchase'), { now: NOW });
    if (!result.ok) throw new Error('expected valid');
    expect(stored).toEqual(JSON.parse(JSON.stringify(toEventToAppend(result.touchpoint))));
  });

  it('lists the personal fields the catalogue marks', () => {
    for (const type of EVENT_TYPES) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${type}\` | `));
      const listed = [...(row ?? '').matchAll(/`(data\.[A-Za-z]+)`/g)].map((m) => m[1]);
      expect({ type, listed }).toEqual({ type, listed: [...personalFields(type)] });
    }
  });
});
