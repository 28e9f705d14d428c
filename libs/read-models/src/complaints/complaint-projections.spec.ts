import { projectInMemory } from '@touchline/projections';
import { recorded, survey, touchpoint } from '../testing/touchpoints';
import { complaintCaseProjection } from './complaint-case.projection';
import { complaintFollowupProjection } from './complaint-followup.projection';

const complaint = (step: string, at: string, data: Record<string, string> = {}) =>
  touchpoint({
    type: `complaint.${step}`,
    customerId: 'c1',
    at,
    channel: 'chat',
    data: { complaintId: 'k1', ...data },
  });

describe('complaint_case (given events → rows)', () => {
  it('follows opening, responses, resolution and reopening; later events correct category and severity', () => {
    const { rows, deadLetters } = projectInMemory(
      complaintCaseProjection,
      recorded([
        complaint('opened', '2026-03-02T10:00:00Z', { category: 'delivery', severity: 'low' }),
        complaint('responded', '2026-03-02T10:20:00Z', { severity: 'high' }),
        complaint('responded', '2026-03-02T10:05:00Z'),
        complaint('resolved', '2026-03-02T11:00:00Z', { resolution: 'refunded' }),
        complaint('reopened', '2026-03-03T09:00:00Z', { category: 'billing' }),
      ]),
    );
    expect(deadLetters).toEqual([]);
    expect(rows.get('k1')).toEqual({
      complaintId: 'k1',
      streamId: 'customer-c1',
      customerId: 'c1',
      anonymousId: null,
      // No identity link: the complaint counts for its own stream.
      canonicalStreamId: 'customer-c1',
      canonicalCustomerId: 'c1',
      category: 'billing',
      severity: 'high',
      channel: 'chat',
      openedAt: '2026-03-02T10:00:00.000Z',
      // The earliest response, whatever the order in the log.
      firstResponseAt: '2026-03-02T10:05:00.000Z',
      responses: 2,
      firstResolvedAt: '2026-03-02T11:00:00.000Z',
      resolvedAt: '2026-03-02T11:00:00.000Z',
      resolution: 'refunded',
      reopenedCount: 1,
      lastReopenedAt: '2026-03-03T09:00:00.000Z',
      state: 'open',
    });
  });

  it('an opening that arrives after the response still sets openedAt and the channel', () => {
    const { rows } = projectInMemory(
      complaintCaseProjection,
      recorded([
        complaint('responded', '2026-03-02T10:20:00Z'),
        complaint('opened', '2026-03-02T10:00:00Z', { category: 'delivery', severity: 'low' }),
      ]),
    );
    expect(rows.get('k1')).toMatchObject({
      openedAt: '2026-03-02T10:00:00.000Z',
      firstResponseAt: '2026-03-02T10:20:00.000Z',
      channel: 'chat',
      category: 'delivery',
    });
  });
});

describe('complaint_followup (given events → rows)', () => {
  it('matches a survey within 48 h of the latest resolution, in either log order; a reopening clears it', () => {
    const { rows } = projectInMemory(
      complaintFollowupProjection,
      recorded([
        survey('nps', 'c1', '2026-03-01T09:00:00Z', 8), // before: does not follow
        complaint('resolved', '2026-03-02T11:00:00Z', { resolution: 'fixed' }),
        survey('csat', 'c1', '2026-03-04T11:00:01Z', 4), // 48 h + 1 s: too late
        touchpoint({
          type: 'complaint.resolved',
          customerId: 'c1',
          at: '2026-03-05T10:00:00Z',
          data: { complaintId: 'k2', resolution: 'fixed' },
        }),
      ]),
    );
    expect(rows.get('customer-c1')).toMatchObject({
      resolutions: {
        k1: { resolvedAt: '2026-03-02T11:00:00.000Z', surveyAt: null },
        // Recorded after the survey, resolved before it: the survey follows k2.
        k2: { resolvedAt: '2026-03-05T10:00:00.000Z', surveyAt: null },
      },
    });
    const later = projectInMemory(
      complaintFollowupProjection,
      recorded([
        complaint('resolved', '2026-03-02T11:00:00Z', { resolution: 'fixed' }),
        survey('ces', 'c1', '2026-03-04T11:00:00Z', 3), // exactly 48 h: follows
        survey('ces', 'c1', '2026-03-03T11:00:00Z', 3), // earlier, recorded later: the first one
      ]),
    );
    expect(later.rows.get('customer-c1')!.resolutions).toEqual({
      k1: { resolvedAt: '2026-03-02T11:00:00.000Z', surveyAt: '2026-03-03T11:00:00.000Z' },
    });
    const reopened = projectInMemory(
      complaintFollowupProjection,
      recorded([
        complaint('resolved', '2026-03-02T11:00:00Z', { resolution: 'fixed' }),
        survey('ces', 'c1', '2026-03-02T12:00:00Z', 3),
        complaint('reopened', '2026-03-02T13:00:00Z'),
      ]),
    );
    expect(reopened.rows.get('customer-c1')!.resolutions).toEqual({});
  });

  it('a resolution recorded after a survey it precedes finds that survey', () => {
    const { rows } = projectInMemory(
      complaintFollowupProjection,
      recorded([
        survey('nps', 'c1', '2026-03-02T12:00:00Z', 3),
        complaint('resolved', '2026-03-02T11:00:00Z', { resolution: 'fixed' }),
      ]),
    );
    expect(rows.get('customer-c1')!.resolutions).toEqual({
      k1: { resolvedAt: '2026-03-02T11:00:00.000Z', surveyAt: '2026-03-02T12:00:00.000Z' },
    });
  });
});
