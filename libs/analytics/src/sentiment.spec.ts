import { surveyScoreSentiment, textSentiment, touchpointSentiment } from './sentiment';

describe('surveyScoreSentiment', () => {
  it('NPS: detractors negative, passives around neutral, promoters positive', () => {
    const values = Array.from({ length: 11 }, (_, score) => surveyScoreSentiment('nps', score));
    expect(values[0]).toBe(-1);
    expect(values[6]).toBeCloseTo(-0.2, 12);
    expect(values[7]).toBeCloseTo(-1 / 15, 12);
    expect(values[8]).toBeCloseTo(0.2, 12);
    expect(values[9]).toBeCloseTo(0.6, 12);
    expect(values[10]).toBe(1);
    for (let s = 0; s <= 6; s++) expect(values[s]).toBeLessThan(0);
    for (let s = 1; s <= 10; s++) expect(values[s]).toBeGreaterThan(values[s - 1]);
  });

  it('CSAT: 1 → −1, 3 → 0, 5 → 1', () => {
    expect([1, 2, 3, 4, 5].map((s) => surveyScoreSentiment('csat', s))).toEqual([
      -1, -0.5, 0, 0.5, 1,
    ]);
  });

  it('CES 2.0: agreeing it was easy is good, 1 → −1, 4 → 0, 7 → 1', () => {
    expect(surveyScoreSentiment('ces', 1)).toBe(-1);
    expect(surveyScoreSentiment('ces', 4)).toBe(0);
    expect(surveyScoreSentiment('ces', 7)).toBe(1);
    expect(surveyScoreSentiment('ces', 3)).toBeGreaterThan(surveyScoreSentiment('ces', 2));
  });

  it('rejects scores off the scale', () => {
    expect(() => surveyScoreSentiment('nps', 11)).toThrow(RangeError);
    expect(() => surveyScoreSentiment('csat', 0)).toThrow(RangeError);
    expect(() => surveyScoreSentiment('ces', 8)).toThrow(RangeError);
  });
});

describe('textSentiment', () => {
  it('normalises the AFINN comparative score with tanh', () => {
    // "love" scores 3 over 3 tokens: comparative 1
    const love = textSentiment('I love it');
    expect(love.comparative).toBe(1);
    expect(love.sentiment).toBeCloseTo(Math.tanh(1), 12);
    expect(love.positive).toEqual(['love']);
  });

  it('reads negative and negated text as negative', () => {
    expect(textSentiment('The delivery was terrible').sentiment).toBeLessThan(-0.5);
    expect(textSentiment('I am not happy').sentiment).toBeLessThan(0);
  });

  it('stays within −1..1 and is neutral for text without lexicon words', () => {
    expect(textSentiment('bad awful horrible terrible worst').sentiment).toBeGreaterThanOrEqual(-1);
    expect(textSentiment('superb superb superb').sentiment).toBeLessThanOrEqual(1);
    expect(textSentiment('').sentiment).toBe(0);
    expect(textSentiment('order 1234 shipped on tuesday').sentiment).toBe(0);
  });
});

describe('touchpointSentiment', () => {
  it('prefers explicit, then survey score, then text', () => {
    const survey = { kind: 'csat' as const, score: 1 };
    expect(touchpointSentiment({ explicit: 0.3, survey, text: 'love it' })).toEqual({
      value: 0.3,
      source: 'explicit',
    });
    expect(touchpointSentiment({ explicit: null, survey, text: 'love it' })).toEqual({
      value: -1,
      source: 'survey',
    });
    expect(touchpointSentiment({ text: 'I love it' })).toEqual({
      value: Math.tanh(1),
      source: 'text',
    });
  });

  it('is null when nothing is known, and rejects an explicit value off −1..1', () => {
    expect(touchpointSentiment({})).toBeNull();
    expect(touchpointSentiment({ text: '   ' })).toBeNull();
    expect(() => touchpointSentiment({ explicit: 2 })).toThrow(RangeError);
  });
});
