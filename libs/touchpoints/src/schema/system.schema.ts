import { IsOptional } from 'class-validator';
import { FreeText, Label, PartyId, Personal, Reference } from './field-decorators';

/*
 * Recorded by touchline's operations, never accepted from producers. They carry no free-form
 * attributes.
 */

/** The customer's data key was destroyed: their personal fields are unreadable from here on. */
export class CustomerErasedData {
  /** e.g. "gdpr-request", "retention-policy". Not prose: this event must hold no personal data. */
  @IsOptional()
  @Label()
  reason?: string;

  /** The ticket or request id under which the erasure was done. */
  @IsOptional()
  @Reference()
  requestId?: string;
}

/** Recorded in both streams: the merged customer's history belongs to the survivor. */
export class CustomerMergedData {
  @PartyId()
  survivorId!: string;

  @PartyId()
  mergedId!: string;

  @IsOptional()
  @FreeText(2000)
  @Personal()
  reason?: string;
}

/** Compensates a customer.merged; recorded in both streams. */
export class CustomerUnmergedData {
  @PartyId()
  survivorId!: string;

  @PartyId()
  mergedId!: string;

  @IsOptional()
  @FreeText(2000)
  @Personal()
  reason?: string;
}
