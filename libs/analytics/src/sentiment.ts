/**
 * Sentiment of a touchpoint on one scale, −1 (very negative) .. 0 (neutral) .. 1 (very positive):
 * from an explicit value, else from a survey score, else from free text.
 */
import Sentiment from 'sentiment';
import { SURVEY_SCALES, type SurveyKind } from './survey-metrics';

/**
 * Survey score → sentiment, piecewise linear, documented per scale:
 *
 * - NPS 0–10: pivot at 7.5, the middle of the passive band, so that detractors (0–6) are negative,
 *   passives straddle neutral (7 → −0.07, 8 → +0.2) and promoters are clearly positive
 *   (9 → 0.6, 10 → 1): 0 → −1 … 6 → −0.2 linearly below the pivot, 8 → 0.2 … 10 → 1 above it.
 *   A plain (score − 5)/5 would call a 6, a detractor, positive.
 * - CSAT 1–5: (score − 3)/2; 3 is the neutral middle of the scale.
 * - CES 1–7 is asked as CES 2.0 (docs/events.md: "it was easy to handle my issue", 1 strongly
 *   disagree … 7 strongly agree), so a HIGH answer is good: (score − 4)/3, so 1 → −1, 4 → 0, 7 → 1.
 */
export function surveyScoreSentiment(kind: SurveyKind, score: number): number {
  const { min, max } = SURVEY_SCALES[kind];
  if (!Number.isFinite(score) || score < min || score > max) {
    throw new RangeError(`${kind} score must be within ${min}–${max} (got ${score})`);
  }
  switch (kind) {
    case 'nps':
      return score <= 7.5 ? (score - 7.5) / 7.5 : (score - 7.5) / 2.5;
    case 'csat':
      return (score - 3) / 2;
    case 'ces':
      return (score - 4) / 3;
  }
}

export interface TextSentiment {
  /** tanh(comparative), in −1..1. */
  sentiment: number;
  /** Sum of the AFINN word scores (−5..5 each, negations flipped). */
  score: number;
  /** score / number of tokens. */
  comparative: number;
  positive: string[];
  negative: string[];
}

let analyzer: Sentiment | undefined;

/**
 * English lexicon sentiment (AFINN-165 via the `sentiment` package). Its comparative score is the
 * lexicon sum per token; per-word values run −5..5, so the comparative does too, but real
 * sentences sit mostly within ±1 because most tokens carry no score. tanh maps it onto −1..1 while
 * staying almost linear there ("I love it" 1.0 → 0.76, "The staff were really great" 0.6 → 0.54)
 * and saturating only for one-word extremes ("terrible" −3 → −0.995). A plain division by 5 would
 * squash ordinary sentences to near zero. Text with no lexicon word is neutral (0).
 */
export function textSentiment(text: string): TextSentiment {
  analyzer ??= new Sentiment();
  const result = analyzer.analyze(text);
  return {
    sentiment: Math.tanh(result.comparative) + 0, // + 0 turns −0 into 0
    score: result.score,
    comparative: result.comparative,
    positive: result.positive,
    negative: result.negative,
  };
}

export interface TouchpointSentimentInput {
  /** A sentiment the producer supplied, −1..1. */
  explicit?: number | null;
  survey?: { kind: SurveyKind; score: number } | null;
  text?: string | null;
}

export interface ResolvedSentiment {
  value: number;
  source: 'explicit' | 'survey' | 'text';
}

/**
 * The precedence: explicit, else survey score, else text. Null when none is available
 * (blank text included): absent is not the same as neutral, and an emotion curve should skip it.
 */
export function touchpointSentiment(input: TouchpointSentimentInput): ResolvedSentiment | null {
  if (input.explicit !== undefined && input.explicit !== null) {
    if (!(input.explicit >= -1 && input.explicit <= 1)) {
      throw new RangeError(`explicit sentiment must be within −1..1 (got ${input.explicit})`);
    }
    return { value: input.explicit, source: 'explicit' };
  }
  if (input.survey) {
    return { value: surveyScoreSentiment(input.survey.kind, input.survey.score), source: 'survey' };
  }
  if (input.text && input.text.trim() !== '') {
    return { value: textSentiment(input.text).sentiment, source: 'text' };
  }
  return null;
}
