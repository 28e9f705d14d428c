import { summarize } from '@touchline/analytics';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulatePurchases } from '../../../analytics/src/testing/simulate';
import { fitAndScoreChurn, NothingToFitError, type ChurnFitInput } from './churn-scores';
import { fitChurnOffThread } from './fit-churn-off-thread';

const asOf = new Date('2026-01-01T00:00:00Z');
const histories = summarize(
  simulatePurchases(
    { r: 0.3, alpha: 25, a: 0.8, b: 2.5 },
    { customers: 3_000, asOf, maxAgeDays: 540, seed: 11, spend: { p: 6, q: 4, gamma: 15 } },
  ),
  asOf,
);
const input: ChurnFitInput = {
  histories,
  signals: new Map([
    [
      histories[0]!.customerId,
      {
        detractorAnswersLast90Days: 1,
        unresolvedComplaints: 2,
        csat: { recent: 2, previous: 4.5 },
        sentiment: { recent: null, previous: null },
      },
    ],
  ]),
  asOf,
};

describe('fitChurnOffThread', () => {
  it('answers exactly what the same fit answers on this thread', async () => {
    expect(await fitChurnOffThread(input)).toEqual(fitAndScoreChurn(input));
  });

  it('keeps the event loop free: a request sent after the fit started is answered before it ends', async () => {
    const server = createServer((_, response) => response.end('ok'));
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    try {
      const events: string[] = [];
      const fit = fitChurnOffThread(input).then(() => events.push('fitted'));
      // A fit on this thread would end (and settle) before this request could even be sent.
      const answered = new Promise<void>((done, fail) =>
        get(`http://127.0.0.1:${port}/`, (response) => {
          response.setEncoding('utf8');
          let body = '';
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => {
            events.push(`answered ${body}`);
            done();
          });
        }).on('error', fail),
      );
      await Promise.all([fit, answered]);
      expect(events).toEqual(['answered ok', 'fitted']);
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });

  it('passes the fit’s errors on, NothingToFitError as itself', async () => {
    await expect(fitChurnOffThread({ ...input, histories: [] })).rejects.toBeInstanceOf(
      NothingToFitError,
    );
  });
});
