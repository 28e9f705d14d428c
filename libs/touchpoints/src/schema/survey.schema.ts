import { IsOptional, IsUUID } from 'class-validator';
import type { JsonObject } from '@touchline/event-store';
import {
  FreeFormAttributes,
  FreeText,
  IntegerBetween,
  Personal,
  Reference,
} from './field-decorators';

/*
 * The three scales are separate types, not one survey type with a scale field: a score of 4 means
 * something different on each, and analytics (NPS, CSAT, CES) never mix them.
 */

export class NpsSurveyData {
  /** 0–10: "How likely are you to recommend us?" 9–10 promoters, 0–6 detractors. */
  @IntegerBetween(0, 10)
  score!: number;

  @IsOptional()
  @FreeText(5000)
  @Personal()
  comment?: string;

  /** The eventId of the touchpoint the answer is about (a purchase, a service contact). */
  @IsOptional()
  @IsUUID('all')
  touchpointRef?: string;

  /** The producer's id of the questionnaire or campaign. */
  @IsOptional()
  @Reference()
  surveyId?: string;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}

export class CsatSurveyData {
  /** 1–5: "How satisfied were you?" 4–5 count as satisfied. */
  @IntegerBetween(1, 5)
  score!: number;

  @IsOptional()
  @FreeText(5000)
  @Personal()
  comment?: string;

  @IsOptional()
  @IsUUID('all')
  touchpointRef?: string;

  @IsOptional()
  @Reference()
  surveyId?: string;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}

export class CesSurveyData {
  /** 1–7: "It was easy to handle my issue" (CES 2.0), 7 = strongly agree. */
  @IntegerBetween(1, 7)
  score!: number;

  @IsOptional()
  @FreeText(5000)
  @Personal()
  comment?: string;

  @IsOptional()
  @IsUUID('all')
  touchpointRef?: string;

  @IsOptional()
  @Reference()
  surveyId?: string;

  @IsOptional()
  @FreeFormAttributes()
  attributes?: JsonObject;
}
