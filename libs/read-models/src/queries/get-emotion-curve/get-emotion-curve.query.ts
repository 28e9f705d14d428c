import { Query } from '@nestjs/cqrs';
import type { Emotion } from './emotion';

export type EmotionCurve = Emotion & { customerId: string };

/** A customer's whole emotion curve with its peak-end summary; null for an unknown customer. */
export class GetEmotionCurveQuery extends Query<EmotionCurve | null> {
  constructor(readonly customerId: string) {
    super();
  }
}
