export { logGamma, logBeta, hyp2f1, ConvergenceError } from './special-functions';
export type { Hyp2f1Options } from './special-functions';
export { nelderMead } from './optimize';
export type { NelderMeadOptions, NelderMeadResult } from './optimize';
export { summarize } from './summarize';
export type { Purchase, CustomerSummary, SummaryUnit } from './summarize';
export {
  bgnbdLogLikelihood,
  fitBgNbd,
  bgnbdProbabilityAlive,
  bgnbdConditionalExpectedPurchases,
  bgnbdExpectedPurchases,
} from './bgnbd';
export type {
  BgNbdParams,
  RepeatHistory,
  WeightedHistory,
  BgNbdFit,
  BgNbdFitOptions,
} from './bgnbd';
export {
  gammaGammaLogLikelihood,
  fitGammaGamma,
  gammaGammaConditionalExpectedValue,
} from './gamma-gamma';
export type {
  GammaGammaParams,
  SpendHistory,
  GammaGammaFit,
  GammaGammaFitOptions,
} from './gamma-gamma';
export { customerLifetimeValue } from './clv';
export type { ClvOptions, ClvInput } from './clv';
export { computeRfm, quintileScores, rfSegment, RF_SEGMENT_RULES, RF_SEGMENT_LABELS } from './rfm';
export type {
  RfmTransaction,
  RfmOptions,
  RfmCustomer,
  RfmScore,
  RfSegment,
  RfSegmentRule,
} from './rfm';
export {
  SURVEY_SCALES,
  countScores,
  npsMetrics,
  npsFromCounts,
  csatMetrics,
  csatFromCounts,
  cesMetrics,
  cesFromCounts,
  surveyBucketMetrics,
  compareEstimates,
  compareSurveyBuckets,
} from './survey-metrics';
export type {
  SurveyKind,
  ScoreCounts,
  NpsMetrics,
  CsatMetrics,
  CesMetrics,
  SurveyBucketMetrics,
  SurveyAnswer,
  MetricChange,
  SurveyBucketChange,
  Estimate,
} from './survey-metrics';
export { churnRisk, CHURN_WEIGHTS, CHURN_BANDS } from './churn-risk';
export type {
  ChurnSignals,
  ChurnBand,
  ChurnReason,
  ChurnReasonCode,
  ChurnRisk,
  ChurnRiskOptions,
} from './churn-risk';
export { surveyScoreSentiment, textSentiment, touchpointSentiment } from './sentiment';
export type { TextSentiment, TouchpointSentimentInput, ResolvedSentiment } from './sentiment';
export { emotionCurve, peakEnd, periodTrend } from './sentiment-curve';
export type { SentimentPoint, PeakEndSummary, ValuePoint, PeriodTrend } from './sentiment-curve';
